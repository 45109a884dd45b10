//! The starter library in every family's language: the words a family and a child read (titles, instructions,
//! step captions, equipment, safety notes, easier and harder ways), one file per language in
//! `shared/library/i18n/<tag>.json`, keyed by slug. English is `exercises.json` itself.
//!
//! Only built-in exercises are translated: what a clinic writes stays as written. The server hands each device
//! the library in the language it asks for (`PullRequest::language`), so a device stores one language only.

use super::{Library, LibraryError, starter};
use crate::error::Validate;
use crate::exercise::{Exercise, Origin};
use crate::language::Language;
use crate::text::{KidText, Name, Prose, Title};
use serde::Deserialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::sync::OnceLock;

/// One exercise's words in one language; every field the English has, and the same number of steps and items.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ExerciseText {
    pub title: Title,
    pub kid_title: KidText,
    pub instructions: Prose,
    /// The step captions, in step order.
    pub steps: Vec<KidText>,
    #[serde(default)]
    pub equipment: Vec<Name>,
    #[serde(default)]
    pub safety_note: Option<Prose>,
    #[serde(default)]
    pub easier: Option<Prose>,
    #[serde(default)]
    pub harder: Option<Prose>,
}

type Catalogue = BTreeMap<String, ExerciseText>;

fn source(language: Language) -> Option<&'static str> {
    Some(match language {
        Language::En => return None,
        Language::Es => include_str!("../../library/i18n/es.json"),
        Language::Fr => include_str!("../../library/i18n/fr.json"),
        Language::Pt => include_str!("../../library/i18n/pt.json"),
        Language::Ar => include_str!("../../library/i18n/ar.json"),
        Language::ZhHans => include_str!("../../library/i18n/zh-Hans.json"),
        Language::Vi => include_str!("../../library/i18n/vi.json"),
        Language::Pl => include_str!("../../library/i18n/pl.json"),
    })
}

/// The parsed catalogue of a language other than English, once per process. A catalogue that fails to parse or
/// check is a packaging mistake that `every_language_translates_every_exercise` catches; at run time it leaves
/// the library in English rather than stopping a pull.
fn catalogue(language: Language) -> Option<&'static Catalogue> {
    static CATALOGUES: OnceLock<BTreeMap<Language, Catalogue>> = OnceLock::new();
    CATALOGUES
        .get_or_init(|| {
            let Ok(library) = starter() else { return BTreeMap::new() };
            Language::ALL.into_iter().filter_map(|l| Some((l, checked(library, l).ok()?))).collect()
        })
        .get(&language)
}

/// The exercise as a reader of `language` sees it: a built-in one in that language, anything else as written.
pub fn in_language(exercise: &Exercise, language: Language) -> Cow<'_, Exercise> {
    let Origin::Builtin { slug } = &exercise.origin else { return Cow::Borrowed(exercise) };
    match catalogue(language).and_then(|c| c.get(slug)) {
        Some(text) if fits(exercise, text) => Cow::Owned(apply(exercise, text)),
        _ => Cow::Borrowed(exercise),
    }
}

/// Whether the translation has the English's shape: same steps, same equipment, same optional parts.
fn fits(e: &Exercise, t: &ExerciseText) -> bool {
    e.steps.len() == t.steps.len()
        && e.equipment.len() == t.equipment.len()
        && e.safety_note.is_some() == t.safety_note.is_some()
        && e.easier.is_some() == t.easier.is_some()
        && e.harder.is_some() == t.harder.is_some()
}

fn apply(e: &Exercise, t: &ExerciseText) -> Exercise {
    let mut out = e.clone();
    out.title = t.title.clone();
    out.kid_title = t.kid_title.clone();
    out.instructions = t.instructions.clone();
    for (step, caption) in out.steps.iter_mut().zip(&t.steps) {
        step.caption = caption.clone();
    }
    out.equipment = t.equipment.clone();
    out.safety_note = t.safety_note.clone();
    out.easier = t.easier.clone();
    out.harder = t.harder.clone();
    out
}

/// The catalogue of `language`, checked against the library: every exercise, nothing else, each in the English's
/// shape, keeping the English's numbers, and valid as an exercise once applied.
pub fn checked(library: &Library, language: Language) -> Result<Catalogue, LibraryError> {
    match source(language) {
        Some(json) => check(library, language.tag(), json),
        None => Ok(Catalogue::new()),
    }
}

fn check(library: &Library, tag: &'static str, json: &str) -> Result<Catalogue, LibraryError> {
    let problem =
        |slug: &str, problem: String| LibraryError::Translation { tag, problem: format!("{slug}: {problem}") };
    // Entry by entry, so that a text over its limit is reported with its exercise.
    let entries: BTreeMap<String, serde_json::Value> =
        serde_json::from_str(json).map_err(|e| LibraryError::Translation { tag, problem: e.to_string() })?;
    let catalogue = entries
        .into_iter()
        .map(|(slug, entry)| match serde_json::from_value::<ExerciseText>(entry) {
            Ok(text) => Ok((slug, text)),
            Err(e) => Err(problem(&slug, e.to_string())),
        })
        .collect::<Result<Catalogue, _>>()?;
    for e in library.exercises() {
        let Origin::Builtin { slug } = &e.origin else { continue };
        let t = catalogue.get(slug).ok_or_else(|| problem(slug, "missing".into()))?;
        if !fits(e, t) {
            return Err(problem(slug, "has other steps, equipment or optional parts than the English".into()));
        }
        let translated = apply(e, t);
        translated.validate().map_err(|err| problem(slug, err.to_string()))?;
        for (english, theirs) in texts(e).into_iter().zip(texts(&translated)) {
            if numbers(english) != numbers(theirs) {
                return Err(problem(slug, format!("the numbers of {english:?} are not those of {theirs:?}")));
            }
        }
    }
    if let Some(extra) = catalogue.keys().find(|slug| library.by_slug(slug).is_none()) {
        return Err(problem(extra, "is not an exercise of the library".into()));
    }
    Ok(catalogue)
}

/// Every translated text of an exercise, in a fixed order.
fn texts(e: &Exercise) -> Vec<&str> {
    let mut out = vec![e.title.as_str(), e.kid_title.as_str(), e.instructions.as_str()];
    out.extend(e.steps.iter().map(|s| s.caption.as_str()));
    out.extend(e.equipment.iter().map(Name::as_str));
    out.extend([&e.safety_note, &e.easier, &e.harder].into_iter().flatten().map(Prose::as_str));
    out
}

/// The numbers written in digits, sorted: "10 times, 3 sets" and "3 séries de 10" agree. A dosage or an age
/// that changes in translation is the one mistake a reader cannot notice.
fn numbers(text: &str) -> Vec<&str> {
    let mut out: Vec<&str> = text.split(|c: char| !c.is_ascii_digit()).filter(|s| !s.is_empty()).collect();
    out.sort_unstable();
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn library() -> &'static Library {
        starter().unwrap_or_else(|e| panic!("{e}"))
    }

    #[test]
    fn every_language_translates_every_exercise() {
        for language in Language::ALL {
            let catalogue = checked(library(), language).unwrap_or_else(|e| panic!("{e}"));
            let expected = if language == Language::En { 0 } else { library().exercises().len() };
            assert_eq!(catalogue.len(), expected, "{}", language.tag());
        }
    }

    #[test]
    fn a_translation_differs_from_the_english_in_every_kid_text() {
        // A caption left in English is a copy, not a translation: the check a reviewer cannot do by eye for
        // seven languages at once.
        for language in Language::ALL.into_iter().filter(|l| *l != Language::En) {
            for e in library().exercises() {
                let t = in_language(e, language);
                assert_ne!(t.kid_title, e.kid_title, "{} {}", language.tag(), e.title);
                assert_ne!(t.instructions, e.instructions, "{} {}", language.tag(), e.title);
                for (a, b) in e.steps.iter().zip(&t.steps) {
                    assert_eq!(a.picture, b.picture, "pictures stay");
                    assert!(
                        a.caption != b.caption || a.caption.as_str().chars().count() < 8,
                        "{} {}",
                        language.tag(),
                        a.caption
                    );
                }
            }
        }
    }

    #[test]
    fn english_and_clinic_exercises_stay_as_written() {
        let e = &library().exercises()[0];
        assert!(matches!(in_language(e, Language::En), Cow::Borrowed(_)));
        let mut own = e.clone();
        own.origin = Origin::Clinic { clinic_id: crate::ids::ClinicId::new_v7(), cloned_from: Some(e.id) };
        assert_eq!(*in_language(&own, Language::Fr), own, "what a clinic writes is never replaced");
        let french = in_language(e, Language::Fr);
        assert_ne!(french.title, e.title);
        assert_eq!((french.id, &french.dosage, &french.ages), (e.id, &e.dosage, &e.ages), "only words change");
    }

    #[test]
    fn a_bad_catalogue_is_refused_with_its_language_and_slug() {
        let good: serde_json::Value = serde_json::from_str(source(Language::Es).unwrap()).unwrap();
        let refused = |edit: &dyn Fn(&mut serde_json::Map<String, serde_json::Value>)| {
            let mut v = good.clone();
            edit(v.as_object_mut().unwrap());
            check(library(), "es", &v.to_string()).unwrap_err().to_string()
        };
        let err = refused(&|m| {
            m.remove("playdough-snakes");
        });
        assert!(err.contains("es") && err.contains("playdough-snakes: missing"), "{err}");
        let err = refused(&|m| {
            m["bear-walk"]["steps"].as_array_mut().unwrap().pop();
        });
        assert!(err.contains("bear-walk: has other steps"), "{err}");
        let err = refused(&|m| {
            let kid = m["playdough-snakes"]["kid_title"].as_str().unwrap().to_owned();
            m["playdough-snakes"]["kid_title"] = format!("{kid} 5").into();
        });
        assert!(err.contains("playdough-snakes: the numbers"), "{err}");
        let err = refused(&|m| {
            m["playdough-snakes"]["kid_title"] = "x".repeat(61).into();
        });
        assert!(err.contains("playdough-snakes: ") && err.contains("60 characters"), "{err}");
        let err = refused(&|m| {
            let copy = m["bear-walk"].clone();
            m.insert("no-such-exercise".into(), copy);
        });
        assert!(err.contains("no-such-exercise: is not an exercise"), "{err}");
        assert_eq!(numbers("10 veces, 3 series de 10"), ["10", "10", "3"]);
    }
}
