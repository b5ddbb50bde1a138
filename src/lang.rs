//! The two languages of a tolk site.
//!
//! A site is written in its content locale (Dutch, `nl-nl`) and carries the
//! English originals of its sentences; every page exists in both. The set is
//! closed on purpose: checklists, UI strings and the bilingual model are all
//! typed against exactly these two.

use std::fmt;

#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize, serde::Deserialize,
)]
pub enum Lang {
    /// Dutch (Netherlands): the content locale.
    #[serde(rename = "nl-nl", alias = "nl", alias = "nl-NL")]
    Nl,
    /// English: the language of the originals.
    #[serde(rename = "en", alias = "en-us", alias = "en-US")]
    En,
}

impl Lang {
    pub const ALL: [Lang; 2] = [Lang::Nl, Lang::En];

    /// The folder and URL prefix of the language: `nl-nl`, `en`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::Nl => "nl-nl",
            Lang::En => "en",
        }
    }

    /// The BCP 47 tag for `<html lang>` and `hreflang`: `nl-NL`, `en`.
    pub fn html_tag(self) -> &'static str {
        match self {
            Lang::Nl => "nl-NL",
            Lang::En => "en",
        }
    }

    /// The other language of the pair.
    pub fn other(self) -> Lang {
        match self {
            Lang::Nl => Lang::En,
            Lang::En => Lang::Nl,
        }
    }

    /// Parses a language code as writers and the CLI spell it (`nl-nl`,
    /// `nl-NL`, `nl`, `en`, `en-us`), case-insensitively.
    pub fn parse(s: &str) -> Option<Lang> {
        match s.to_ascii_lowercase().as_str() {
            "nl-nl" | "nl" => Some(Lang::Nl),
            "en" | "en-us" | "en-gb" => Some(Lang::En),
            _ => None,
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}
