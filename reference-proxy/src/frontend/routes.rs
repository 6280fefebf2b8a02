//! The HTTP routes of the discovered services: each method's `google.api.http` rule (and its additional
//! bindings), then the default route `POST /<package.Service>/<Method>` with body `*` for every method.
//!
//! A rule the proxy cannot serve (no pattern, an unknown field, a body on `GET`, a nested additional
//! binding, ...) is left out with a warning; the method stays reachable by gRPC and its default route.
//! The first route, in that order, whose HTTP method and path match serves the request.

use std::sync::Arc;

use cloudstate_protocol::google::api::{HttpRule, http_rule::Pattern};
use http::Method;
use prost_reflect::{FieldDescriptor, Kind};

use super::json;
use super::template::PathTemplate;
use crate::user_spec::{MethodSpec, UserSpec};

/// Where the HTTP request body goes in the input message.
#[derive(Debug, Clone)]
pub(super) enum BodyRule {
    /// No body: query parameters fill the fields the path does not.
    None,
    /// The body is the whole input message (`body: "*"`).
    Whole,
    /// The body is this top-level field; query parameters fill the rest.
    Field(FieldDescriptor),
}

/// One HTTP binding of a method.
#[derive(Debug, Clone)]
pub(super) struct Route {
    /// The HTTP method; `None` matches any (custom pattern of kind `*`).
    pub(super) http_method: Option<Method>,
    template: PathTemplate,
    /// The input fields each path variable sets, by variable index.
    pub(super) variables: Vec<Vec<FieldDescriptor>>,
    /// Where the body goes.
    pub(super) body: BodyRule,
    /// The output field that is the response body, when not the whole message.
    pub(super) response_body: Option<FieldDescriptor>,
    /// Full name of the service.
    pub(super) service: String,
    /// The method.
    pub(super) method: Arc<MethodSpec>,
}

/// The outcome of looking a request up.
#[derive(Debug)]
pub(super) enum Lookup<'a> {
    /// A route, with the decoded path variable values (or why they do not decode).
    Found(&'a Route, Result<Vec<String>, String>),
    /// The path is served, but only with these HTTP methods.
    WrongMethod(Vec<String>),
    /// No route has this path.
    NotFound,
}

/// Every HTTP route of the discovered services.
#[derive(Debug, Clone, Default)]
pub(super) struct Routes {
    routes: Vec<Route>,
}

impl Routes {
    /// The routes of `spec`, and a warning for each rule left out.
    pub(super) fn new(spec: &UserSpec) -> (Routes, Vec<String>) {
        let extension = spec.pool.get_extension_by_name("google.api.http");
        let mut annotated = Vec::new();
        let mut defaults = Vec::new();
        let mut warnings = Vec::new();
        for service in spec.services.values() {
            for method in service.methods.values() {
                let options = method.descriptor.options();
                let rule = extension
                    .as_ref()
                    .filter(|ext| options.has_extension(ext))
                    .and_then(|ext| {
                        options
                            .get_extension(ext)
                            .as_message()
                            .and_then(|m| m.transcode_to::<HttpRule>().ok())
                    });
                if let Some(rule) = rule {
                    let bindings = std::iter::once((&rule, true))
                        .chain(rule.additional_bindings.iter().map(|b| (b, false)));
                    for (binding, top) in bindings {
                        match route(&service.name, method, binding, top) {
                            Ok(route) => annotated.push(route),
                            Err(error) => warnings.push(format!(
                                "ignoring an HTTP rule of {}: {error}",
                                method.descriptor.full_name()
                            )),
                        }
                    }
                }
                let default = HttpRule {
                    body: "*".to_owned(),
                    pattern: Some(Pattern::Post(format!(
                        "/{}/{}",
                        service.name,
                        method.name()
                    ))),
                    ..HttpRule::default()
                };
                match route(&service.name, method, &default, true) {
                    Ok(route) => defaults.push(route),
                    Err(error) => warnings.push(format!(
                        "no default HTTP route for {}: {error}",
                        method.descriptor.full_name()
                    )),
                }
            }
        }
        annotated.extend(defaults);
        (Routes { routes: annotated }, warnings)
    }

    /// The route for a request.
    pub(super) fn find(&self, method: &Method, path: &str) -> Lookup<'_> {
        let mut allowed = Vec::new();
        for route in &self.routes {
            let Some(values) = route.template.matches(path) else {
                continue;
            };
            match &route.http_method {
                Some(wanted) if wanted != method => allowed.push(wanted.to_string()),
                _ => return Lookup::Found(route, values),
            }
        }
        if allowed.is_empty() {
            Lookup::NotFound
        } else {
            allowed.sort();
            allowed.dedup();
            Lookup::WrongMethod(allowed)
        }
    }
}

fn route(
    service: &str,
    method: &Arc<MethodSpec>,
    rule: &HttpRule,
    top: bool,
) -> Result<Route, String> {
    let full_name = method.descriptor.full_name();
    if !rule.selector.is_empty() && rule.selector != full_name {
        return Err(format!(
            "its selector `{}` names another method",
            rule.selector
        ));
    }
    if !top && !rule.additional_bindings.is_empty() {
        return Err("an additional binding has additional bindings of its own".to_owned());
    }
    let (http_method, path) = match &rule.pattern {
        None => return Err("it has no pattern".to_owned()),
        Some(Pattern::Get(path)) => (Some(Method::GET), path),
        Some(Pattern::Put(path)) => (Some(Method::PUT), path),
        Some(Pattern::Post(path)) => (Some(Method::POST), path),
        Some(Pattern::Delete(path)) => (Some(Method::DELETE), path),
        Some(Pattern::Patch(path)) => (Some(Method::PATCH), path),
        Some(Pattern::Custom(custom)) if custom.kind == "*" => (None, &custom.path),
        Some(Pattern::Custom(custom)) => {
            let kind = Method::from_bytes(custom.kind.as_bytes()).map_err(|_| {
                format!("its custom method `{}` is not an HTTP method", custom.kind)
            })?;
            (Some(kind), &custom.path)
        }
    };
    let template = PathTemplate::parse(path)?;
    let input = method.input();
    let variables = template
        .variables()
        .iter()
        .map(|path| {
            let fields = json::field_path(&input, path)?;
            match fields.last() {
                Some(last)
                    if last.is_list()
                        || last.is_map()
                        || matches!(last.kind(), Kind::Message(_)) =>
                {
                    Err(format!(
                        "path variable `{}` is not a singular scalar field",
                        path.join(".")
                    ))
                }
                _ => Ok(fields),
            }
        })
        .collect::<Result<Vec<_>, String>>()?;
    let body = match rule.body.as_str() {
        "" => BodyRule::None,
        _ if http_method == Some(Method::GET) => {
            return Err("a GET binding cannot have a body".to_owned());
        }
        "*" => BodyRule::Whole,
        name => BodyRule::Field(input.get_field_by_name(name).ok_or_else(|| {
            format!(
                "its body field `{name}` is not a field of {}",
                input.full_name()
            )
        })?),
    };
    let response_body = match rule.response_body.as_str() {
        "" => None,
        name => Some(method.output().get_field_by_name(name).ok_or_else(|| {
            format!(
                "its response body field `{name}` is not a field of {}",
                method.output().full_name()
            )
        })?),
    };
    Ok(Route {
        http_method,
        template,
        variables,
        body,
        response_body,
        service: service.to_owned(),
        method: method.clone(),
    })
}
