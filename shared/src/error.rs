//! Validation errors that name the field at fault, so a form or an API client can point at it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What is wrong with one field. The `field` is a path such as `steps[2].caption`.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldProblem {
    pub field: String,
    pub problem: Problem,
}

/// The kinds of problem a value can have; each carries the bound it broke.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Problem {
    #[error("must not be empty")]
    Empty,
    #[error("must be at most {max} characters")]
    TooLong { max: usize },
    #[error("must have between {min} and {max} items")]
    Count { min: usize, max: usize },
    #[error("must be between {min} and {max}")]
    OutOfRange { min: i64, max: i64 },
    #[error("must not repeat {value}")]
    Duplicate { value: String },
    #[error("{reason}")]
    Invalid { reason: String },
}

/// One or more field problems found while checking a value.
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
pub struct ValidationError {
    pub problems: Vec<FieldProblem>,
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, p) in self.problems.iter().enumerate() {
            if i > 0 {
                f.write_str("; ")?;
            }
            write!(f, "{}: {}", p.field, p.problem)?;
        }
        Ok(())
    }
}

impl ValidationError {
    pub fn single(field: impl Into<String>, problem: Problem) -> Self {
        Self { problems: vec![FieldProblem { field: field.into(), problem }] }
    }

    /// The first field at fault (there is always at least one).
    pub fn field(&self) -> &str {
        self.problems.first().map_or("", |p| p.field.as_str())
    }

    /// The same problems, with every field path placed under `prefix`.
    pub fn nested(mut self, prefix: &str) -> Self {
        for p in &mut self.problems {
            p.field = join_path(prefix, &p.field);
        }
        self
    }
}

fn join_path(prefix: &str, field: &str) -> String {
    match (prefix.is_empty(), field.is_empty() || field.starts_with('[')) {
        (true, _) => field.to_owned(),
        (false, true) => format!("{prefix}{field}"),
        (false, false) => format!("{prefix}.{field}"),
    }
}

/// Collects problems while checking a composite value, so a form can show all of them at once.
#[derive(Debug, Default)]
pub struct Checker {
    problems: Vec<FieldProblem>,
}

impl Checker {
    pub fn new() -> Self {
        Self::default()
    }

    pub fn fail(&mut self, field: impl Into<String>, problem: Problem) {
        self.problems.push(FieldProblem { field: field.into(), problem });
    }

    /// Records `problem` against `field` unless `ok` holds.
    pub fn ensure(&mut self, ok: bool, field: impl Into<String>, problem: impl FnOnce() -> Problem) {
        if !ok {
            self.fail(field, problem());
        }
    }

    /// A date a program can be about (2000 to 2100): see [`crate::time::date_in_bounds`].
    pub fn date(&mut self, field: impl Into<String>, date: chrono::NaiveDate) {
        self.ensure(crate::time::date_in_bounds(date), field, crate::time::date_problem);
    }

    /// Folds a nested value's own check into this one, under `prefix`.
    pub fn nest(&mut self, prefix: &str, result: Result<(), ValidationError>) {
        if let Err(e) = result {
            self.problems.extend(e.nested(prefix).problems);
        }
    }

    pub fn count(&mut self, field: &str, len: usize, min: usize, max: usize) {
        self.ensure((min..=max).contains(&len), field, || Problem::Count { min, max });
    }

    pub fn range<T: Into<i64> + Copy>(&mut self, field: &str, value: Option<T>, min: i64, max: i64) {
        if let Some(v) = value {
            let v: i64 = v.into();
            self.ensure((min..=max).contains(&v), field, || Problem::OutOfRange { min, max });
        }
    }

    /// Flags the first repeated item of `items`.
    pub fn unique<T: PartialEq + fmt::Debug>(&mut self, field: &str, items: &[T]) {
        for (i, item) in items.iter().enumerate() {
            if items[..i].contains(item) {
                self.fail(format!("{field}[{i}]"), Problem::Duplicate { value: format!("{item:?}") });
                return;
            }
        }
    }

    pub fn finish(self) -> Result<(), ValidationError> {
        if self.problems.is_empty() { Ok(()) } else { Err(ValidationError { problems: self.problems }) }
    }
}

/// A value that can check its own invariants.
pub trait Validate {
    fn validate(&self) -> Result<(), ValidationError>;
}
