//! An OAI-PMH request, parsed once from its arguments (a query string or a form body) into a
//! `Request`, or refused with the protocol's error code.

use super::date::OaiDate;
use super::token::{ListKind, ResumptionToken, TokenError};
use app::domain::Theme;
use time::OffsetDateTime;

/// The protocol's error codes (noSetHierarchy is never needed: there are sets).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ErrorCode {
    BadVerb,
    BadArgument,
    BadResumptionToken,
    CannotDisseminateFormat,
    IdDoesNotExist,
    NoRecordsMatch,
}

impl ErrorCode {
    pub fn code(self) -> &'static str {
        match self {
            ErrorCode::BadVerb => "badVerb",
            ErrorCode::BadArgument => "badArgument",
            ErrorCode::BadResumptionToken => "badResumptionToken",
            ErrorCode::CannotDisseminateFormat => "cannotDisseminateFormat",
            ErrorCode::IdDoesNotExist => "idDoesNotExist",
            ErrorCode::NoRecordsMatch => "noRecordsMatch",
        }
    }

    /// After badVerb and badArgument the `request` element holds the base URL only.
    pub fn echoes_arguments(self) -> bool {
        !matches!(self, ErrorCode::BadVerb | ErrorCode::BadArgument)
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OaiError {
    pub code: ErrorCode,
    pub message: String,
}

impl OaiError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> OaiError {
        OaiError {
            code,
            message: message.into(),
        }
    }

    fn bad_argument(message: impl Into<String>) -> OaiError {
        OaiError::new(ErrorCode::BadArgument, message)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verb {
    Identify,
    ListMetadataFormats,
    ListSets,
    GetRecord,
    ListIdentifiers,
    ListRecords,
}

impl Verb {
    const ALL: [Verb; 6] = [
        Verb::Identify,
        Verb::ListMetadataFormats,
        Verb::ListSets,
        Verb::GetRecord,
        Verb::ListIdentifiers,
        Verb::ListRecords,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Verb::Identify => "Identify",
            Verb::ListMetadataFormats => "ListMetadataFormats",
            Verb::ListSets => "ListSets",
            Verb::GetRecord => "GetRecord",
            Verb::ListIdentifiers => "ListIdentifiers",
            Verb::ListRecords => "ListRecords",
        }
    }

    fn parse(name: &str) -> Option<Verb> {
        Verb::ALL.into_iter().find(|verb| verb.name() == name)
    }

    /// The arguments besides `verb` this verb takes.
    fn arguments(self) -> &'static [&'static str] {
        match self {
            Verb::Identify => &[],
            Verb::ListMetadataFormats => &[IDENTIFIER],
            Verb::ListSets => &[TOKEN],
            Verb::GetRecord => &[IDENTIFIER, PREFIX],
            Verb::ListIdentifiers | Verb::ListRecords => &[PREFIX, FROM, UNTIL, SET, TOKEN],
        }
    }
}

const VERB: &str = "verb";
const IDENTIFIER: &str = "identifier";
const PREFIX: &str = "metadataPrefix";
const FROM: &str = "from";
const UNTIL: &str = "until";
const SET: &str = "set";
const TOKEN: &str = "resumptionToken";

/// The metadata formats the repository disseminates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MetadataPrefix {
    OaiDc,
}

impl MetadataPrefix {
    pub const ALL: [MetadataPrefix; 1] = [MetadataPrefix::OaiDc];

    pub fn name(self) -> &'static str {
        match self {
            MetadataPrefix::OaiDc => "oai_dc",
        }
    }

    pub fn schema(self) -> &'static str {
        match self {
            MetadataPrefix::OaiDc => "http://www.openarchives.org/OAI/2.0/oai_dc.xsd",
        }
    }

    pub fn namespace(self) -> &'static str {
        match self {
            MetadataPrefix::OaiDc => "http://www.openarchives.org/OAI/2.0/oai_dc/",
        }
    }

    fn parse(name: &str) -> Result<MetadataPrefix, OaiError> {
        MetadataPrefix::ALL
            .into_iter()
            .find(|prefix| prefix.name() == name)
            .ok_or_else(|| {
                OaiError::new(
                    ErrorCode::CannotDisseminateFormat,
                    format!("only oai_dc is disseminated, not {name:?}"),
                )
            })
    }
}

/// A set's `setSpec`: `theme:{slug}`.
pub fn set_spec(theme: Theme) -> String {
    format!("theme:{}", theme.slug())
}

fn parse_set(spec: &str) -> Result<Theme, OaiError> {
    spec.strip_prefix("theme:")
        .and_then(Theme::from_slug)
        .ok_or_else(|| OaiError::bad_argument(format!("there is no set {spec:?}")))
}

/// Where a list starts: a new list, or the page after a token's position.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListStart {
    New {
        set: Option<Theme>,
        from: Option<OaiDate>,
        until: Option<OaiDate>,
    },
    Resume(ResumptionToken),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Request {
    Identify,
    ListMetadataFormats { identifier: Option<String> },
    ListSets,
    GetRecord { identifier: String },
    List { kind: ListKind, start: ListStart },
}

/// The arguments as received, in order (echoed in the `request` element).
#[derive(Debug, Clone, Default)]
pub struct Arguments(pub Vec<(String, String)>);

impl Arguments {
    pub fn parse(encoded: &[u8]) -> Arguments {
        Arguments(
            form_urlencoded::parse(encoded)
                .map(|(name, value)| (name.into_owned(), value.into_owned()))
                .collect(),
        )
    }

    fn get(&self, name: &str) -> Option<&str> {
        self.0
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, v)| v.as_str())
    }

    /// The verb, once and known.
    fn verb(&self) -> Result<Verb, OaiError> {
        let mut verbs = self.0.iter().filter(|(n, _)| n == VERB);
        match (verbs.next(), verbs.next()) {
            (None, _) => Err(OaiError::new(ErrorCode::BadVerb, "no verb")),
            (Some(_), Some(_)) => Err(OaiError::new(ErrorCode::BadVerb, "the verb is repeated")),
            (Some((_, name)), None) => Verb::parse(name).ok_or_else(|| {
                OaiError::new(ErrorCode::BadVerb, format!("{name:?} is not a verb"))
            }),
        }
    }

    /// Every other argument known to `verb`, and none twice.
    fn check_names(&self, verb: Verb) -> Result<(), OaiError> {
        for (i, (name, _)) in self.0.iter().enumerate() {
            if name == VERB {
                continue;
            }
            if !verb.arguments().contains(&name.as_str()) {
                return Err(OaiError::bad_argument(format!(
                    "{} takes no argument {name:?}",
                    verb.name()
                )));
            }
            if self.0[..i].iter().any(|(earlier, _)| earlier == name) {
                return Err(OaiError::bad_argument(format!("{name} is repeated")));
            }
        }
        Ok(())
    }

    fn required(&self, name: &str) -> Result<&str, OaiError> {
        self.get(name)
            .ok_or_else(|| OaiError::bad_argument(format!("{name} is required")))
    }
}

/// The request the arguments make, checked in the protocol's order: the verb, the argument
/// names, then their values.
pub fn parse(args: &Arguments, now: OffsetDateTime) -> Result<(Verb, Request), OaiError> {
    let verb = args.verb()?;
    args.check_names(verb)?;
    let request = match verb {
        Verb::Identify => Request::Identify,
        Verb::ListMetadataFormats => Request::ListMetadataFormats {
            identifier: args.get(IDENTIFIER).map(str::to_owned),
        },
        Verb::ListSets => list_sets(args)?,
        Verb::GetRecord => get_record(args)?,
        Verb::ListIdentifiers => list(args, ListKind::Identifiers, now)?,
        Verb::ListRecords => list(args, ListKind::Records, now)?,
    };
    Ok((verb, request))
}

fn list_sets(args: &Arguments) -> Result<Request, OaiError> {
    match args.get(TOKEN) {
        // The sets fit in one answer, so no ListSets token was ever issued.
        Some(_) => Err(OaiError::new(
            ErrorCode::BadResumptionToken,
            "the list of sets has no further pages",
        )),
        None => Ok(Request::ListSets),
    }
}

fn get_record(args: &Arguments) -> Result<Request, OaiError> {
    let identifier = args.required(IDENTIFIER)?.to_owned();
    MetadataPrefix::parse(args.required(PREFIX)?)?;
    Ok(Request::GetRecord { identifier })
}

fn list(args: &Arguments, kind: ListKind, now: OffsetDateTime) -> Result<Request, OaiError> {
    let start = match args.get(TOKEN) {
        Some(token) => resume(args, kind, token, now)?,
        None => new_list(args)?,
    };
    Ok(Request::List { kind, start })
}

fn resume(
    args: &Arguments,
    kind: ListKind,
    token: &str,
    now: OffsetDateTime,
) -> Result<ListStart, OaiError> {
    if args.0.len() > 2 {
        return Err(OaiError::bad_argument(
            "resumptionToken is an exclusive argument",
        ));
    }
    let bad = |message: &str| OaiError::new(ErrorCode::BadResumptionToken, message);
    match ResumptionToken::decode(token, now) {
        Ok(token) if token.kind == kind => Ok(ListStart::Resume(token)),
        Ok(_) => Err(bad("the token continues another verb's list")),
        Err(TokenError::Expired) => Err(bad("the token has expired (tokens last 24 hours)")),
        Err(TokenError::Malformed) => Err(bad("this is no token of this repository")),
    }
}

fn new_list(args: &Arguments) -> Result<ListStart, OaiError> {
    let prefix = args.required(PREFIX)?;
    let from = date_argument(args, FROM)?;
    let until = date_argument(args, UNTIL)?;
    if let (Some(from), Some(until)) = (from, until) {
        if from.granularity() != until.granularity() {
            return Err(OaiError::bad_argument(
                "from and until must have the same granularity",
            ));
        }
        if from.start() > until.start() {
            return Err(OaiError::bad_argument("from is later than until"));
        }
    }
    let set = args.get(SET).map(parse_set).transpose()?;
    MetadataPrefix::parse(prefix)?;
    Ok(ListStart::New { set, from, until })
}

fn date_argument(args: &Arguments, name: &str) -> Result<Option<OaiDate>, OaiError> {
    args.get(name)
        .map(|text| {
            OaiDate::parse(text).ok_or_else(|| {
                OaiError::bad_argument(format!(
                    "{name} must be YYYY-MM-DD or YYYY-MM-DDThh:mm:ssZ, not {text:?}"
                ))
            })
        })
        .transpose()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn code_of(query: &str) -> Option<ErrorCode> {
        parse(
            &Arguments::parse(query.as_bytes()),
            OffsetDateTime::now_utc(),
        )
        .err()
        .map(|e| e.code)
    }

    #[test]
    fn each_refusal_has_its_code() {
        use ErrorCode::*;
        let cases = [
            ("", Some(BadVerb)),
            ("verb=Nothing", Some(BadVerb)),
            ("verb=Identify&verb=Identify", Some(BadVerb)),
            ("verb=identify", Some(BadVerb)),
            ("verb=Identify", None),
            ("verb=Identify&x=1", Some(BadArgument)),
            ("verb=ListSets", None),
            ("verb=ListSets&resumptionToken=x", Some(BadResumptionToken)),
            ("verb=ListMetadataFormats&identifier=a", None),
            ("verb=GetRecord&identifier=a", Some(BadArgument)),
            ("verb=GetRecord&metadataPrefix=oai_dc", Some(BadArgument)),
            (
                "verb=GetRecord&identifier=a&metadataPrefix=mods",
                Some(CannotDisseminateFormat),
            ),
            ("verb=ListRecords", Some(BadArgument)),
            ("verb=ListRecords&metadataPrefix=oai_dc", None),
            (
                "verb=ListRecords&metadataPrefix=oai_dc&metadataPrefix=oai_dc",
                Some(BadArgument),
            ),
            (
                "verb=ListRecords&metadataPrefix=marc",
                Some(CannotDisseminateFormat),
            ),
            (
                "verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01",
                None,
            ),
            (
                "verb=ListRecords&metadataPrefix=oai_dc&from=2026-1-1",
                Some(BadArgument),
            ),
            (
                "verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-02&until=2026-01-01",
                Some(BadArgument),
            ),
            (
                "verb=ListRecords&metadataPrefix=oai_dc&from=2026-01-01&until=2026-01-01T00:00:00Z",
                Some(BadArgument),
            ),
            (
                "verb=ListRecords&metadataPrefix=oai_dc&set=theme:housing",
                None,
            ),
            (
                "verb=ListRecords&metadataPrefix=oai_dc&set=housing",
                Some(BadArgument),
            ),
            (
                "verb=ListIdentifiers&resumptionToken=nope",
                Some(BadResumptionToken),
            ),
            (
                "verb=ListIdentifiers&resumptionToken=nope&metadataPrefix=oai_dc",
                Some(BadArgument),
            ),
        ];
        for (query, expected) in cases {
            assert_eq!(code_of(query), expected, "{query}");
        }
    }
}
