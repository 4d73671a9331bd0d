//! Who the repository is: its base URL, name, contact and the identifiers of its records,
//! `oai:{host}:story/{id}` with the host of `PUBLIC_URL`.

use crate::config::Config;
use app::domain::StoryId;
use app::locale::Locale;

#[derive(Debug, Clone)]
pub struct Repository {
    /// `PUBLIC_URL`, without a trailing slash.
    pub site: String,
    /// `{PUBLIC_URL}/oai`.
    pub base_url: String,
    pub host: String,
    pub name: String,
    pub admin_email: String,
}

impl Repository {
    pub fn of(config: &Config) -> Repository {
        let host = host_of(&config.public_url);
        let admin_email = if config.oai_admin_email.is_empty() {
            format!("webmaster@{host}")
        } else {
            config.oai_admin_email.clone()
        };
        Repository {
            site: config.public_url.clone(),
            base_url: format!("{}/oai", config.public_url),
            name: leptos_i18n::td_string!(Locale::zh_CN, timeline.feed.title).to_string(),
            host,
            admin_email,
        }
    }

    pub fn identifier(&self, id: StoryId) -> String {
        format!("oai:{}:story/{}", self.host, id.0)
    }

    /// The story an identifier of this repository names; `None` for anything else.
    pub fn story_of(&self, identifier: &str) -> Option<StoryId> {
        let digits = identifier
            .strip_prefix("oai:")?
            .strip_prefix(self.host.as_str())?
            .strip_prefix(":story/")?;
        let canonical = !digits.is_empty()
            && digits.bytes().all(|b| b.is_ascii_digit())
            && !digits.starts_with('0');
        canonical.then(|| digits.parse().ok().map(StoryId))?
    }

    /// The story's permalink, its `dc:identifier`.
    pub fn permalink(&self, id: StoryId) -> String {
        format!("{}/stories/{}", self.site, id.0)
    }

    /// Whether the host may name the repository in an `oai-identifier` description: the
    /// scheme asks for a domain name (letters first in each label, at least two labels).
    pub fn declares_identifier_scheme(&self) -> bool {
        let labels: Vec<&str> = self.host.split('.').collect();
        labels.len() >= 2
            && labels.iter().all(|label| {
                label.starts_with(|c: char| c.is_ascii_alphabetic())
                    && label.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
            })
    }
}

/// `https://example.org:8443/x` → `example.org`.
fn host_of(url: &str) -> String {
    let rest = url.split_once("://").map_or(url, |(_, rest)| rest);
    let authority = rest.split('/').next().unwrap_or(rest);
    let authority = authority.rsplit_once('@').map_or(authority, |(_, a)| a);
    let host = if authority.starts_with('[') {
        authority.split_inclusive(']').next().unwrap_or(authority)
    } else {
        authority.split(':').next().unwrap_or(authority)
    };
    host.to_ascii_lowercase()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repository(url: &str) -> Repository {
        let mut config = Config::for_database("postgres://unused");
        config.public_url = url.to_owned();
        Repository::of(&config)
    }

    #[test]
    fn identifiers_round_trip_on_the_host_only() {
        let repo = repository("https://Shinian.example.org:8443");
        assert_eq!(repo.host, "shinian.example.org");
        assert_eq!(repo.admin_email, "webmaster@shinian.example.org");
        assert!(repo.declares_identifier_scheme());
        let id = repo.identifier(StoryId(12));
        assert_eq!(id, "oai:shinian.example.org:story/12");
        assert_eq!(repo.story_of(&id), Some(StoryId(12)));
        for other in [
            "oai:other.org:story/12",
            "oai:shinian.example.org:story/012",
            "oai:shinian.example.org:story/",
            "oai:shinian.example.org:story/1x",
            "oai:shinian.example.org:story/99999999999999999999",
            "shinian.example.org:story/12",
        ] {
            assert_eq!(repo.story_of(other), None, "{other}");
        }
    }

    #[test]
    fn an_address_is_no_domain_name() {
        let repo = repository("http://127.0.0.1:3000");
        assert_eq!(repo.host, "127.0.0.1");
        assert!(!repo.declares_identifier_scheme());
        assert_eq!(repo.base_url, "http://127.0.0.1:3000/oai");
    }
}
