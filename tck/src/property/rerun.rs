//! The command line that reruns one property with the scenarios of a failing run: the run's own
//! subcommand and target options (`--target` or `--spawn`, and the other options that say what and how
//! long to run against), then `--select` the case, its `--seed` and `--scenarios`.
//!
//! The options come from the command line of this process. Options that select cases, point at files
//! or set the seed and the number of scenarios are left out, since the rerun sets its own. A process that
//! is not a `sdk`, `proxy` or `selftest` run (a test, or the fault matrix) has no such options: its rerun
//! line names the mode from the case ID and spawns the built-in model or the reference proxy (both take
//! their ports from the environment the TCK sets).

/// The subcommands whose options a rerun keeps.
const RUN_SUBCOMMANDS: &[&str] = &["sdk", "proxy", "selftest"];

/// Options a rerun leaves out, with how many values each takes (`None`: one or more, until the next
/// option).
const DROPPED: &[(&str, Option<usize>)] = &[
    ("--select", None),
    ("--skip", None),
    ("--seed", Some(1)),
    ("--scenarios", Some(1)),
    ("--expected-failures", Some(1)),
    ("--junit", Some(1)),
    ("--json", Some(1)),
    ("--html", Some(1)),
];

/// The command that reruns `case_id` with `seed` and `scenarios`, from this process's arguments.
pub(crate) fn rerun_command(case_id: &str, seed: u64, scenarios: u64) -> String {
    let args: Vec<String> = std::env::args().skip(1).collect();
    rerun_from(&args, case_id, seed, scenarios)
}

/// The rerun command for a process started with `args` (without the program name).
pub(crate) fn rerun_from(args: &[String], case_id: &str, seed: u64, scenarios: u64) -> String {
    let mut words = vec!["cloudstate-tck".to_owned()];
    match args.first() {
        Some(subcommand) if RUN_SUBCOMMANDS.contains(&subcommand.as_str()) => {
            words.push(subcommand.clone());
            words.extend(
                kept_options(&args[1..])
                    .into_iter()
                    .map(|word| quote(&word)),
            );
        }
        _ => {
            let mode = case_id.split('.').nth(1).unwrap_or("sdk");
            words.push(mode.to_owned());
            words.push("--spawn".to_owned());
            words.push(quote(if mode == "proxy" {
                "reference-proxy"
            } else {
                "cloudstate-tck serve-model"
            }));
        }
    }
    words.extend([
        "--select".to_owned(),
        case_id.to_owned(),
        "--seed".to_owned(),
        seed.to_string(),
        "--scenarios".to_owned(),
        scenarios.to_string(),
    ]);
    words.join(" ")
}

/// `options` without the dropped ones and their values.
fn kept_options(options: &[String]) -> Vec<String> {
    let mut kept = Vec::new();
    let mut index = 0;
    while index < options.len() {
        let option = &options[index];
        index += 1;
        let name = option.split('=').next().unwrap_or(option);
        let Some((_, values)) = DROPPED.iter().find(|(dropped, _)| *dropped == name) else {
            kept.push(option.clone());
            continue;
        };
        if option.contains('=') {
            continue;
        }
        match values {
            Some(count) => index += count,
            None => {
                while index < options.len() && !options[index].starts_with("--") {
                    index += 1;
                }
            }
        }
    }
    kept
}

/// `word` as one shell word: as it is when it has no special characters, else in single quotes.
fn quote(word: &str) -> String {
    let plain = !word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@+%".contains(c));
    if plain {
        word.to_owned()
    } else {
        format!("'{}'", word.replace('\'', r"'\''"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Vec<String> {
        words.iter().map(|word| (*word).to_owned()).collect()
    }

    #[test]
    fn a_run_keeps_its_target_and_drops_its_selection_and_reports() {
        let run = args(&[
            "sdk",
            "--target",
            "127.0.0.1:8080",
            "--select",
            "crdt.*",
            "action.*",
            "--json",
            "out.json",
            "--seed=3",
            "--timeout-ms",
            "60000",
            "--scenarios",
            "10",
        ]);
        assert_eq!(
            rerun_from(&run, "crdt.sdk.property_replies", 7, 100),
            "cloudstate-tck sdk --target 127.0.0.1:8080 --timeout-ms 60000 --select \
             crdt.sdk.property_replies --seed 7 --scenarios 100"
        );
    }

    #[test]
    fn a_spawn_command_is_quoted_as_one_word() {
        let run = args(&[
            "proxy",
            "--spawn",
            "target/debug/reference-proxy --fault no-replay",
        ]);
        assert_eq!(
            rerun_from(&run, "event_sourced.proxy.property_commands", 1, 5),
            "cloudstate-tck proxy --spawn 'target/debug/reference-proxy --fault no-replay' \
             --select event_sourced.proxy.property_commands --seed 1 --scenarios 5"
        );
        assert_eq!(quote("it's"), r"'it'\''s'");
    }

    #[test]
    fn another_process_reruns_against_the_built_in_references() {
        let line = rerun_from(&args(&["faults"]), "crdt.sdk.property_replies", 0, 100);
        assert_eq!(
            line,
            "cloudstate-tck sdk --spawn 'cloudstate-tck serve-model' --select \
             crdt.sdk.property_replies --seed 0 --scenarios 100"
        );
        assert!(!line.contains('<'));
    }
}
