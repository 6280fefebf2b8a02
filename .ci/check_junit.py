"""Loads a JUnit report with junitparser, a consumer that CI tools build on, and checks its shape."""

import sys

from junitparser import JUnitXml


def main(path: str, minimum_cases: int) -> int:
    xml = JUnitXml.fromfile(path)
    cases = [case for suite in xml for case in suite]
    names = [case.name for case in cases]
    if len(cases) < minimum_cases:
        print(f"{path}: {len(cases)} test cases, expected at least {minimum_cases}")
        return 1
    if len(set(names)) != len(names):
        print(f"{path}: duplicate test case names")
        return 1
    failed = [case.name for case in cases if not case.is_passed and not case.is_skipped]
    print(f"{path}: {len(list(xml))} suites, {len(cases)} cases, {len(failed)} failed, loaded by junitparser")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1], int(sys.argv[2])))
