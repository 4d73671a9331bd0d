//! E-mail addresses: one rule for what looks like an address (a contributor's contact and a
//! moderator's sign-in), and the one normalized form of a sign-in address.

use super::errors::FieldError;
use super::text::{Lines, required};

/// The longest address SMTP allows (RFC 5321 path limit).
pub const EMAIL_MAX: usize = 254;

/// `local@domain.tld` without blanks: something before the one `@`, a domain with a dot that
/// neither starts nor ends it. Deliberately loose otherwise: the address is only ever read by
/// people (a moderator writing back, an admin creating an account).
pub fn has_email_shape(text: &str) -> bool {
    let Some((local, domain)) = text.split_once('@') else {
        return false;
    };
    !local.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !domain.contains('@')
        && !text.chars().any(char::is_whitespace)
}

/// A sign-in address in its one normalized form, used for lookup, uniqueness and the sign-in
/// throttle: NFKC, then lower case (`str::to_lowercase`, close to Unicode case folding for
/// addresses), then NFKC again so the result is stable. Full-width `ａｄｍｉｎ` is `admin`;
/// `İ` (U+0130) lower-cases to `i` + U+0307, which is another address than `i`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    pub fn parse(input: &str) -> Result<Email, FieldError> {
        let normalized = normalize_email(input);
        let text = required(&normalized, Lines::Single, (3, EMAIL_MAX))?;
        if !has_email_shape(&text) {
            return Err(FieldError::ContactFormat);
        }
        Ok(Email(text))
    }

    /// What someone typed to sign in, normalized like `parse` but not checked: a malformed
    /// address simply finds no account, and is still counted by the throttle.
    pub fn for_sign_in(input: &str) -> Email {
        Email(normalize_email(input).trim().to_owned())
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn normalize_email(input: &str) -> String {
    use unicode_normalization::UnicodeNormalization;
    let folded = input.nfkc().collect::<String>().to_lowercase();
    folded.nfkc().collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_compared_in_lower_case() {
        assert_eq!(
            Email::parse(" Admin@Example.ORG ").unwrap().as_str(),
            "admin@example.org"
        );
        assert!(Email::parse("no-at-sign").is_err());
        assert!(Email::parse("a@b@c").is_err());
    }

    #[test]
    fn emails_have_one_normalized_form() {
        let plain = Email::parse("admin@example.org").unwrap();
        assert_eq!(
            Email::parse("ａｄｍｉｎ＠ＥＸＡＭＰＬＥ.ORG").unwrap(),
            plain
        );
        assert_eq!(Email::for_sign_in(" ADMIN@example.org "), plain);
        assert_ne!(Email::for_sign_in("admİn@example.org"), plain);
        let dotted = Email::for_sign_in("admİn@example.org");
        assert_eq!(Email::for_sign_in(dotted.as_str()), dotted, "stable");
    }

    #[test]
    fn contacts_and_sign_in_addresses_share_one_shape() {
        for good in ["a@b.cn", "wang.li+ten@example.org", "名字@例子.中国"] {
            assert!(has_email_shape(good), "{good}");
            assert!(Email::parse(good).is_ok(), "{good}");
        }
        for bad in [
            "a@b", "@b.cn", "a@.cn", "a@b.cn.", "a b@c.cn", "a@b@c.cn", "ab.cn",
        ] {
            assert!(!has_email_shape(bad), "{bad}");
            assert!(Email::parse(bad).is_err(), "{bad}");
        }
    }
}
