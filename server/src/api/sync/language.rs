//! The family's language on the way out of a pull: the feed holds each built-in exercise once, in English, and a
//! device that shows its family another language gets it in that one (`homeplay_core::library::in_language`).

use homeplay_core::language::Language;
use homeplay_core::library;
use homeplay_core::sync::Change;
use std::borrow::Cow;

/// A feed change as a device showing `language` receives it: a built-in exercise in that language, anything else
/// exactly as stored.
pub(super) fn in_language(change_json: String, language: Language) -> String {
    // Most changes are logs and assignments: a substring test spares them a parse. Only an exercise's origin
    // writes `"builtin"` as a whole JSON string (a built-in picture is `"builtin:…"`).
    if language == Language::En || !change_json.contains("\"builtin\"") {
        return change_json;
    }
    let Ok(Change::Exercise(exercise)) = serde_json::from_str::<Change>(&change_json) else { return change_json };
    match library::in_language(&exercise, language) {
        Cow::Owned(translated) => serde_json::to_string(&Change::Exercise(Box::new(translated))).unwrap_or(change_json),
        Cow::Borrowed(_) => change_json,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stored(slug: &str) -> String {
        let e = library::starter().unwrap().by_slug(slug).unwrap().clone();
        serde_json::to_string(&Change::Exercise(Box::new(e))).unwrap()
    }

    #[test]
    fn a_built_in_exercise_comes_in_the_language_asked_and_nothing_else_changes() {
        let english = stored("playdough-snakes");
        assert_eq!(in_language(english.clone(), Language::En), english);
        let spanish = in_language(english.clone(), Language::Es);
        let Ok(Change::Exercise(e)) = serde_json::from_str::<Change>(&spanish) else { panic!("{spanish}") };
        let expected =
            library::in_language(library::starter().unwrap().by_slug("playdough-snakes").unwrap(), Language::Es);
        assert_eq!(*e, *expected);
        assert_ne!(e.title.as_str(), "Playdough snakes");
        let other = r#"{"type":"log","data":{"note":"\"builtin\""}}"#.to_owned();
        assert_eq!(in_language(other.clone(), Language::Es), other, "a change that is not an exercise stays");
    }
}
