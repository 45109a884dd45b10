//! The starter library: play-based exercises that ship with homeplay, with their step pictures compiled in,
//! so a clinic has a useful library on first start and a family device never downloads a built-in picture.
//!
//! The data lives in `shared/library/exercises.json`; the pictures in `shared/library/pictures/`, composed
//! from Twemoji by `tools/step-cards` (see `shared/library/ATTRIBUTION.md`).

use crate::error::{Validate, ValidationError};
use crate::ids::ExerciseId;
use crate::media::{MediaRef, MediaSource};
use crate::skill::SkillArea;
use include_dir::{Dir, include_dir};
use std::collections::BTreeSet;
use std::sync::OnceLock;

use crate::exercise::{Exercise, Origin};

mod translations;
pub use translations::{ExerciseText, in_language};

const EXERCISES_JSON: &str = include_str!("../library/exercises.json");
static PICTURES: Dir<'static> = include_dir!("$CARGO_MANIFEST_DIR/library/pictures");

/// Why the starter library failed to load: always a packaging mistake, caught by this crate's tests.
#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("exercises.json does not parse: {0}")]
    Parse(#[from] serde_json::Error),
    #[error("exercise {slug}: {error}")]
    Invalid { slug: String, error: ValidationError },
    #[error("exercise {slug}: picture {picture} is not in shared/library/pictures")]
    MissingPicture { slug: String, picture: String },
    #[error("exercise {slug}: is not marked as built-in")]
    NotBuiltin { slug: String },
    #[error("slug {0} is used twice")]
    DuplicateSlug(String),
    #[error("shared/library/i18n/{tag}.json: {problem}")]
    Translation { tag: &'static str, problem: String },
}

/// The validated starter library.
#[derive(Debug)]
pub struct Library {
    exercises: Vec<Exercise>,
}

impl Library {
    pub fn exercises(&self) -> &[Exercise] {
        &self.exercises
    }

    pub fn get(&self, id: ExerciseId) -> Option<&Exercise> {
        self.exercises.iter().find(|e| e.id == id)
    }

    pub fn by_slug(&self, slug: &str) -> Option<&Exercise> {
        self.get(ExerciseId::builtin(slug))
    }

    pub fn in_area(&self, area: SkillArea) -> impl Iterator<Item = &Exercise> {
        self.exercises.iter().filter(move |e| e.skill_areas.contains(&area))
    }
}

/// The starter library, parsed and checked once per process.
pub fn starter() -> Result<&'static Library, &'static LibraryError> {
    static LIBRARY: OnceLock<Result<Library, LibraryError>> = OnceLock::new();
    LIBRARY.get_or_init(|| load(EXERCISES_JSON)).as_ref()
}

/// The bytes of a built-in picture (`builtin:<name>` refers to `<name>.svg`).
pub fn builtin_picture(media: &MediaRef) -> Option<&'static [u8]> {
    match media.source() {
        MediaSource::Builtin(name) => PICTURES.get_file(format!("{name}.svg")).map(|f| f.contents()),
        MediaSource::Upload { .. } => None,
    }
}

/// Every built-in picture's name (without `.svg`).
pub fn builtin_picture_names() -> impl Iterator<Item = &'static str> {
    PICTURES.files().filter_map(|f| f.path().to_str()?.strip_suffix(".svg"))
}

fn load(json: &str) -> Result<Library, LibraryError> {
    let exercises: Vec<Exercise> = serde_json::from_str(json)?;
    let mut slugs = BTreeSet::new();
    for e in &exercises {
        let Origin::Builtin { slug } = &e.origin else {
            return Err(LibraryError::NotBuiltin { slug: e.title.to_string() });
        };
        if !slugs.insert(slug.clone()) {
            return Err(LibraryError::DuplicateSlug(slug.clone()));
        }
        e.validate().map_err(|error| LibraryError::Invalid { slug: slug.clone(), error })?;
        let media = e.steps.iter().flat_map(|s| [Some(&s.picture), s.voice_prompt.as_ref(), s.video.as_ref()]);
        for m in media.flatten() {
            if builtin_picture(m).is_none() {
                return Err(LibraryError::MissingPicture { slug: slug.clone(), picture: m.to_string() });
            }
        }
    }
    Ok(Library { exercises })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::skill::Discipline;

    #[test]
    fn starter_library_loads_and_validates() {
        let lib = starter().unwrap_or_else(|e| panic!("{e}"));
        assert!(lib.exercises().len() >= 40, "{} exercises", lib.exercises().len());
    }

    #[test]
    fn every_area_has_at_least_four_exercises() {
        let lib = starter().unwrap_or_else(|e| panic!("{e}"));
        for area in SkillArea::ALL {
            let n = lib.in_area(area).count();
            assert!(n >= 4, "{} has only {n} exercises", area.label());
        }
    }

    #[test]
    fn every_exercise_has_two_to_five_picture_steps_that_exist() {
        let lib = starter().unwrap_or_else(|e| panic!("{e}"));
        for e in lib.exercises() {
            assert!((2..=5).contains(&e.steps.len()), "{}: {} steps", e.title, e.steps.len());
            for s in &e.steps {
                let svg = builtin_picture(&s.picture).unwrap_or_else(|| panic!("{} missing", s.picture));
                let text = std::str::from_utf8(svg).unwrap();
                assert!(text.trim_start().starts_with("<svg") && text.trim_end().ends_with("</svg>"), "{}", s.picture);
            }
        }
    }

    #[test]
    fn no_picture_is_unused() {
        let lib = starter().unwrap_or_else(|e| panic!("{e}"));
        let used: BTreeSet<String> =
            lib.exercises().iter().flat_map(|e| e.steps.iter().map(|s| s.picture.to_string())).collect();
        for name in builtin_picture_names() {
            assert!(used.contains(&format!("builtin:{name}")), "{name}.svg is not used by any exercise");
        }
    }

    #[test]
    fn the_stories_exercises_are_there() {
        let lib = starter().unwrap_or_else(|e| panic!("{e}"));
        for title in
            ["Playdough snakes", "Clothespin crocodile", "Button the teddy's coat", "Flamingo stand", "Bear walk"]
        {
            assert!(lib.exercises().iter().any(|e| e.title.as_str() == title), "{title} missing");
        }
        let both = lib.exercises().iter().filter(|e| e.discipline.includes(Discipline::Ot)).count();
        assert!(both >= 16);
    }

    #[test]
    fn broken_data_is_reported_with_the_slug() {
        let lib = starter().unwrap_or_else(|e| panic!("{e}"));
        let mut e = lib.exercises()[0].clone();
        e.steps[0].picture = MediaRef::builtin("no-such-picture").unwrap();
        let json = serde_json::to_string(&vec![e]).unwrap();
        assert!(matches!(load(&json), Err(LibraryError::MissingPicture { .. })));
        assert!(matches!(load("[{\"id\": 1}]"), Err(LibraryError::Parse(_))));
    }
}
