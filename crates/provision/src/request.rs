//! One token as a caller asks for it (`influxdb3 create token`), and the plan that makes
//! it on a store: which step, which rule of the store, checked before anything is read.

use influxdb3_permission::{DatabaseName, Grants};
use influxdb3_token::{Expiry, Timestamp, Token, TokenName};

use crate::plan::{IfExists, Plan, PlanError, Policy, Step};
use crate::store::{Capabilities, NewAdmin, NewToken};

/// What kind of token a [`TokenRequest`] asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Asked {
    Permission {
        name: TokenName,
        grants: Grants,
    },
    /// `None`: the operator token `_admin` on a server, the token `_admin` of an admin
    /// token file.
    Admin {
        name: Option<TokenName>,
    },
    Regenerate,
}

/// One token as a caller asks for it: a permission token, an admin token, or a new
/// secret for the operator token `_admin`, with its expiry, what to do when one of its
/// name exists, and the databases to create beside it. [`TokenRequest::plan`] makes
/// its plan for a store; [`TokenRequest::check`] says first, before anything is read,
/// what that store cannot hold.
///
/// The store decides what an admin token is: on a server, `_admin` is the operator
/// token (which never expires); an admin token file holds one token, which a new one
/// replaces unless the caller keeps it ([`IfExists::Keep`]).
///
/// ```
/// use influxdb3_permission::Grants;
/// use influxdb3_provision::{Capabilities, Policy, Step, TokenRequest, Unsupported};
/// use influxdb3_token::{Expiry, Timestamp};
///
/// let grants = Grants::try_from(vec!["db:metrics:write".parse()?])?;
/// let request = TokenRequest::permission("telegraf".parse()?, grants).expiry(Expiry::After("90d".parse()?));
/// // A server mints its secrets: a chosen one is refused before it is read.
/// assert!(request.check(Capabilities::SERVER, true).is_err());
/// let plan = request.plan(Capabilities::FILE, None, Timestamp::now(), &Policy::default())?;
/// assert!(matches!(plan.steps(), [Step::Create { .. }]));
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct TokenRequest {
    asked: Asked,
    expiry: Expiry,
    if_exists: IfExists,
    databases: Vec<DatabaseName>,
}

impl TokenRequest {
    fn new(asked: Asked) -> TokenRequest {
        TokenRequest {
            asked,
            expiry: Expiry::Never,
            if_exists: IfExists::Fail,
            databases: Vec::new(),
        }
    }

    /// A permission token named `name` that grants `grants`, which never expires.
    pub fn permission(name: TokenName, grants: Grants) -> TokenRequest {
        TokenRequest::new(Asked::Permission { name, grants })
    }

    /// An admin token named `name`; `None`: `_admin` (on a server, the operator
    /// token).
    pub fn admin(name: Option<TokenName>) -> TokenRequest {
        TokenRequest::new(Asked::Admin { name })
    }

    /// A new secret for the operator token `_admin`, minted by a server (the plan asks
    /// for confirmation: the current secret stops working at once).
    pub fn regenerate() -> TokenRequest {
        TokenRequest::new(Asked::Regenerate)
    }

    /// The same, expiring as `expiry` says (a regeneration's token never expires).
    pub fn expiry(mut self, expiry: Expiry) -> TokenRequest {
        self.expiry = expiry;
        self
    }

    /// The same, doing `if_exists` when a token of its name exists.
    pub fn if_exists(mut self, if_exists: IfExists) -> TokenRequest {
        self.if_exists = if_exists;
        self
    }

    /// The same, also creating `databases` (a tokens file's `create_databases`; for a
    /// permission token).
    pub fn databases(mut self, databases: Vec<DatabaseName>) -> TokenRequest {
        self.databases = databases;
        self
    }

    /// The name of the token it asks for (`_admin` for the operator token).
    pub fn name(&self) -> &str {
        match &self.asked {
            Asked::Permission { name, .. } | Asked::Admin { name: Some(name) } => name.as_str(),
            Asked::Admin { name: None } | Asked::Regenerate => crate::OPERATOR_TOKEN,
        }
    }

    /// Checks what it asks of a store with `capabilities` before anything is read (a
    /// chosen secret, the admin token): `chosen` says whether the caller will choose
    /// the token's secret. The plan checks it again, with the rules of time and policy.
    ///
    /// # Errors
    ///
    /// [`PlanError::NotForKind`] for what its kind of token cannot have (a regeneration
    /// takes no expiry, secret, `if_exists` or databases; an admin token no databases);
    /// [`PlanError::Unsupported`] for the first thing the store cannot hold, in the
    /// order [`Step::needs`] asks.
    pub fn check(&self, capabilities: Capabilities, chosen: bool) -> Result<(), PlanError> {
        self.fits(chosen)?;
        // The step as the plan would make it, before the secret is read and at any
        // instant: no rule of time is checked here.
        let now = Timestamp::from_millis(0);
        let step = match &self.asked {
            Asked::Permission { name, grants } => Step::Create {
                token: NewToken::new(name.clone(), grants.clone(), self.expiry, now),
                if_exists: self.if_exists_in(capabilities),
            },
            Asked::Admin { .. } => Step::CreateAdmin {
                token: NewAdmin::new(self.admin_name(), self.expiry, now),
                if_exists: self.if_exists_in(capabilities),
            },
            Asked::Regenerate => Step::Regenerate,
        };
        match step
            .needs_with(chosen)
            .find(|what| !capabilities.holds(*what))
        {
            Some(what) => Err(PlanError::Unsupported {
                name: step.name().to_owned(),
                what,
            }),
            None => Ok(()),
        }
    }

    /// The plan that makes the token on a store with `capabilities` at `now`, with
    /// `secret` when the caller chose it, under `policy`.
    ///
    /// # Errors
    ///
    /// [`PlanError`]: what its kind of token cannot have (as [`check`](Self::check)),
    /// an expiry that has passed or that the policy refuses, the name `_admin` for a
    /// permission token, what the store cannot hold.
    pub fn plan(
        self,
        capabilities: Capabilities,
        secret: Option<Token>,
        now: Timestamp,
        policy: &Policy,
    ) -> Result<Plan, PlanError> {
        self.fits(secret.is_some())?;
        let if_exists = self.if_exists_in(capabilities);
        let plan = match self.asked {
            Asked::Regenerate => Plan::regenerate(now, policy)?,
            Asked::Admin { ref name } => {
                let name = name.clone().unwrap_or_else(TokenName::admin);
                let mut token = NewAdmin::new(name, self.expiry, now);
                token.secret = secret;
                Plan::create_admin(token, if_exists, policy)?
            }
            Asked::Permission { name, grants } => {
                let mut token = NewToken::new(name, grants, self.expiry, now);
                token.secret = secret;
                Plan::create(token, if_exists, policy)?.with_databases(self.databases)
            }
        };
        plan.check(capabilities)?;
        Ok(plan)
    }

    /// Refuses what its kind of token cannot have, rather than drop it: `chosen`, a
    /// secret the caller chose.
    fn fits(&self, chosen: bool) -> Result<(), PlanError> {
        let misfit = match &self.asked {
            Asked::Regenerate => [
                (self.expiry != Expiry::Never, "expiry"),
                (chosen, "chosen secret"),
                (
                    self.if_exists != IfExists::Fail,
                    "choice for a token that exists",
                ),
                (!self.databases.is_empty(), "databases to create"),
            ]
            .into_iter()
            .find_map(|(asked, what)| asked.then_some((what, "a new secret for `_admin`"))),
            Asked::Admin { .. } if !self.databases.is_empty() => {
                Some(("databases to create", "an admin token"))
            }
            _ => None,
        };
        match misfit {
            Some((what, kind)) => Err(PlanError::NotForKind {
                name: self.name().to_owned(),
                what,
                kind,
            }),
            None => Ok(()),
        }
    }

    /// The admin token's name: `_admin` when none was given.
    fn admin_name(&self) -> TokenName {
        match &self.asked {
            Asked::Admin { name: Some(name) } => name.clone(),
            _ => TokenName::admin(),
        }
    }

    /// What to do when a token of its name exists, on a store with `capabilities`: an
    /// admin token file (a store that keeps admin tokens and changes them in place)
    /// holds one token, which a new admin token replaces unless the caller keeps it.
    fn if_exists_in(&self, capabilities: Capabilities) -> IfExists {
        let one_admin = capabilities.admin_tokens && capabilities.in_place;
        match (&self.asked, self.if_exists) {
            (Asked::Admin { .. }, IfExists::Fail) if one_admin => IfExists::Replace,
            (_, if_exists) => if_exists,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{OPERATOR_TOKEN, Unsupported};

    fn grants() -> Grants {
        Grants::try_from(vec!["db:metrics:write".parse().unwrap()]).unwrap()
    }

    fn name(text: &str) -> TokenName {
        text.parse().unwrap()
    }

    const NOW: Timestamp = Timestamp::from_millis(1_756_400_061_529);

    #[test]
    fn a_server_is_asked_only_what_it_holds_before_anything_is_read() {
        let refused = |request: &TokenRequest, chosen| match request
            .check(Capabilities::SERVER, chosen)
            .unwrap_err()
        {
            PlanError::Unsupported { name, what } => (name, what),
            e => panic!("{e}"),
        };
        let token = TokenRequest::permission(name("t"), grants());
        assert_eq!(token.check(Capabilities::SERVER, false), Ok(()));
        assert_eq!(
            refused(&token, true),
            ("t".to_owned(), Unsupported::ChosenSecret)
        );
        let replace = token.clone().if_exists(IfExists::Replace);
        assert_eq!(refused(&replace, false).1, Unsupported::ReplaceInPlace);
        // The operator token never expires on a server; it is asked first.
        let day = Expiry::After("1d".parse().unwrap());
        let operator = TokenRequest::admin(None).expiry(day);
        assert_eq!(
            refused(&operator, true),
            (OPERATOR_TOKEN.to_owned(), Unsupported::ExpiringOperator)
        );
        assert_eq!(
            TokenRequest::admin(Some(name("ops")))
                .expiry(day)
                .check(Capabilities::SERVER, false),
            Ok(())
        );
        // A file holds all of it; a permission tokens file no admin token.
        assert_eq!(replace.check(Capabilities::FILE, true), Ok(()));
        assert_eq!(operator.check(Capabilities::ADMIN_FILE, true), Ok(()));
        assert!(operator.check(Capabilities::FILE, false).is_err());
    }

    #[test]
    fn each_request_is_its_plan_on_its_store() {
        let policy = Policy::default();
        let plan = |request: TokenRequest, capabilities| {
            request.plan(capabilities, None, NOW, &policy).unwrap()
        };
        let db: DatabaseName = "metrics".parse().unwrap();
        let made = plan(
            TokenRequest::permission(name("t"), grants()).databases(vec![db.clone()]),
            Capabilities::FILE,
        );
        assert!(matches!(
            made.steps(),
            [Step::Create {
                if_exists: IfExists::Fail,
                ..
            }]
        ));
        assert_eq!(made.create_databases(), [db]);
        // An admin token file's one token is replaced, unless kept.
        let admin = TokenRequest::admin(None);
        let replaced = plan(admin.clone(), Capabilities::ADMIN_FILE);
        assert!(matches!(
            replaced.steps(),
            [Step::CreateAdmin { token, if_exists: IfExists::Replace }] if token.name.as_str() == OPERATOR_TOKEN
        ));
        let kept = plan(
            admin.clone().if_exists(IfExists::Keep),
            Capabilities::ADMIN_FILE,
        );
        assert!(matches!(
            kept.steps(),
            [Step::CreateAdmin {
                if_exists: IfExists::Keep,
                ..
            }]
        ));
        // On a server, `_admin` is the operator token, made once.
        let operator = plan(admin, Capabilities::SERVER);
        assert!(matches!(
            operator.steps(),
            [Step::CreateAdmin {
                if_exists: IfExists::Fail,
                ..
            }]
        ));
        assert_eq!(TokenRequest::admin(None).name(), OPERATOR_TOKEN);
        assert_eq!(TokenRequest::admin(Some(name("ops"))).name(), "ops");
        assert_eq!(TokenRequest::regenerate().name(), OPERATOR_TOKEN);
        let regenerate = plan(TokenRequest::regenerate(), Capabilities::SERVER);
        assert_eq!(regenerate.steps(), [Step::Regenerate]);
        assert!(regenerate.needs_confirmation().is_some());
    }

    #[test]
    fn a_chosen_secret_and_the_rules_go_into_the_plan() {
        let secret = Token::parse_chosen(&format!("apiv3_{}", "k".repeat(40))).unwrap();
        let plan = TokenRequest::admin(Some(name("ops")))
            .plan(
                Capabilities::ADMIN_FILE,
                Some(secret.clone()),
                NOW,
                &Policy::default(),
            )
            .unwrap();
        assert_eq!(plan.steps()[0].chosen_secret(), Some(&secret));
        // A cap refuses the operator token, which never expires.
        let cap = Policy::default().max_lifetime(Some("30d".parse().unwrap()));
        let refused = TokenRequest::regenerate().plan(Capabilities::SERVER, None, NOW, &cap);
        assert!(matches!(refused, Err(PlanError::ExpiryPolicy { .. })));
        // A permission token is never `_admin`; a server refuses a chosen secret.
        let reserved = TokenRequest::permission(TokenName::admin(), grants()).plan(
            Capabilities::FILE,
            None,
            NOW,
            &Policy::default(),
        );
        assert_eq!(reserved, Err(PlanError::Reserved));
        let chosen = TokenRequest::permission(name("t"), grants()).plan(
            Capabilities::SERVER,
            Some(secret),
            NOW,
            &Policy::default(),
        );
        assert!(matches!(
            chosen,
            Err(PlanError::Unsupported {
                what: Unsupported::ChosenSecret,
                ..
            })
        ));
    }

    #[test]
    fn what_a_kind_of_token_cannot_have_is_refused_not_dropped() {
        let day = Expiry::After("1d".parse().unwrap());
        let secret = Token::parse_chosen(&format!("apiv3_{}", "k".repeat(40))).unwrap();
        let db = vec![DatabaseName::new("m").unwrap()];
        let refused = |request: TokenRequest, secret: Option<Token>| {
            let checked = request.check(Capabilities::SERVER, secret.is_some());
            let planned = request.plan(Capabilities::SERVER, secret, NOW, &Policy::default());
            match (checked, planned) {
                (Err(a), Err(b)) if a == b => a.to_string(),
                other => panic!("{other:?}"),
            }
        };
        assert_eq!(
            refused(TokenRequest::regenerate().expiry(day), None),
            "token `_admin`: a new secret for `_admin` takes no expiry"
        );
        let regenerate = refused(TokenRequest::regenerate(), Some(secret));
        assert!(
            regenerate.ends_with("takes no chosen secret"),
            "{regenerate}"
        );
        let keep = refused(TokenRequest::regenerate().if_exists(IfExists::Keep), None);
        assert!(keep.contains("choice for a token that exists"), "{keep}");
        assert_eq!(
            refused(TokenRequest::admin(Some(name("ops"))).databases(db), None),
            "token `ops`: an admin token takes no databases to create"
        );
    }
}
