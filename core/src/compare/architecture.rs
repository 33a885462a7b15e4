//! The architectures compared, as data. `content/compare/architectures.json`
//! lists each one: its protocol configuration in the scenario format and
//! the sentences that explain its figures, with `{placeholders}` for the
//! measured numbers (see [`super::explain`]). A protocol joins the
//! comparison with an entry there; nothing here names a protocol.

use alloc::boxed::Box;
use alloc::string::String;
use alloc::vec::Vec;
use core::fmt;
use once_cell::race::OnceBox;
use serde::{Deserialize, Serialize};

use crate::content::{self, leak_str, File};

// COMPARE_FILES: every file of content/compare, as core's build script
// found them.
include!(concat!(env!("OUT_DIR"), "/content_files.rs"));
use crate::protocol::ProtocolConfig;

/// One architecture of the comparison, as its content file has it.
#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Contender {
    /// The name the CLI and the page use: "single-leader-sync".
    #[serde(deserialize_with = "leak_str")]
    pub id: &'static str,
    /// The table's row heading.
    #[serde(deserialize_with = "leak_str")]
    pub label: &'static str,
    /// Its configuration; the shared world (network, clients, fault)
    /// comes from [`super::topology`].
    pub protocol: ProtocolConfig,
    /// How the architecture produces its figures, under any fault.
    #[serde(deserialize_with = "leak_str")]
    pub how: &'static str,
    /// What the fault did to it, per fault.
    #[serde(default, skip_serializing_if = "Under::is_empty")]
    pub under: Under,
}

/// The sentence for each fault; absent: nothing to add.
#[derive(Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Under {
    #[serde(
        default,
        deserialize_with = "leak_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub crash: Option<&'static str>,
    /// Said instead of `crash` when the crash lost no acknowledged write.
    #[serde(
        default,
        deserialize_with = "leak_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub crash_none_lost: Option<&'static str>,
    #[serde(
        default,
        deserialize_with = "leak_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub partition: Option<&'static str>,
    #[serde(
        default,
        deserialize_with = "leak_opt",
        skip_serializing_if = "Option::is_none"
    )]
    pub skew: Option<&'static str>,
}

impl Under {
    fn is_empty(&self) -> bool {
        [self.crash, self.crash_none_lost, self.partition, self.skew]
            .iter()
            .all(Option::is_none)
    }
}

fn leak_opt<'de, D: serde::Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
    leak_str(d).map(Some)
}

static CONTENDERS: OnceBox<Vec<Contender>> = OnceBox::new();

fn contenders() -> &'static [Contender] {
    CONTENDERS.get_or_init(|| Box::new(content::load(COMPARE_FILES, &mut Vec::new())))
}

/// What is wrong with the comparison's content file (nothing, the tests
/// require).
pub fn problems() -> Vec<String> {
    let mut problems = Vec::new();
    let parsed = content::load::<Contender>(COMPARE_FILES, &mut problems);
    for (i, c) in parsed.iter().enumerate() {
        // Each runs in the shared world: that whole scenario must hold.
        let spec = super::CompareSpec::new(super::Fault::Crash);
        let mut scenario = super::scenario_for(&spec, Architecture(i as u8));
        scenario.protocol = c.protocol.clone();
        if let Err(wrong) = scenario.validate() {
            for p in wrong {
                problems.push(alloc::format!("architecture {}: {p}", c.id));
            }
        }
        let u = &c.under;
        let texts = [Some(c.how), u.crash, u.crash_none_lost, u.partition, u.skew];
        for text in texts.into_iter().flatten() {
            for name in super::explain::unknown_placeholders(text) {
                problems.push(alloc::format!(
                    "architecture {}: {{{name}}} is not a placeholder: {}",
                    c.id,
                    super::explain::PLACEHOLDERS
                        .map(|(name, _)| name)
                        .join(", ")
                ));
            }
        }
    }
    problems
}

/// The content files this module compiles in.
pub fn files() -> Vec<&'static str> {
    COMPARE_FILES.iter().map(|(path, _)| *path).collect()
}

/// One row of the comparison: an index into its content file, so rows
/// sort in the file's order.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Architecture(u8);

static ALL: OnceBox<Vec<Architecture>> = OnceBox::new();

impl Architecture {
    /// Every architecture, in the order the table shows them.
    pub fn all() -> &'static [Architecture] {
        ALL.get_or_init(|| {
            let n = contenders().len().min(usize::from(u8::MAX));
            Box::new((0..n as u8).map(Architecture).collect())
        })
    }

    pub fn contender(self) -> &'static Contender {
        &contenders()[usize::from(self.0)]
    }

    pub fn id(self) -> &'static str {
        self.contender().id
    }

    pub fn parse(text: &str) -> Option<Architecture> {
        Architecture::all().iter().copied().find(|a| a.id() == text)
    }

    pub fn label(self) -> &'static str {
        self.contender().label
    }

    /// The protocol configuration it runs.
    pub fn protocol(self) -> ProtocolConfig {
        self.contender().protocol.clone()
    }
}

impl fmt::Debug for Architecture {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

/// In JSON an architecture is its id in snake case ("single_leader_sync"),
/// as it was when the four were an enum.
impl Serialize for Architecture {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.id().replace('-', "_"))
    }
}

impl<'de> Deserialize<'de> for Architecture {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let name = String::deserialize(d)?;
        Architecture::parse(&name.replace('_', "-")).ok_or_else(|| {
            serde::de::Error::custom(alloc::format!("no architecture is called {name}"))
        })
    }
}
