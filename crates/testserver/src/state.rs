//! What the server knows: databases, and tokens by the SHA-512 of their string.

use std::collections::{HashMap, HashSet};

use influxdb3_permission::{Permission, PermissionSet, Resource, Scope};
use influxdb3_token::{Timestamp, Token, TokenHash};
use serde_json::json;

/// One stored token: never the token itself.
#[derive(Debug, Clone)]
pub(crate) struct Record {
    pub(crate) id: u64,
    pub(crate) name: String,
    pub(crate) admin: bool,
    pub(crate) permissions: PermissionSet,
    /// The permissions as given, for `system.tokens`.
    pub(crate) listed: Vec<Permission>,
    pub(crate) expiry: Option<Timestamp>,
    pub(crate) created: Timestamp,
    /// When and by which token it was last changed (a regenerated admin token: by
    /// itself, as upstream records it).
    pub(crate) updated: Option<(Timestamp, u64)>,
    /// What `system.tokens` lists as its description (upstream's is free text).
    pub(crate) description: Option<String>,
}

impl Record {
    fn expired(&self) -> bool {
        self.expiry.is_some_and(|at| at <= Timestamp::now())
    }
}

/// Why a token cannot be stored.
#[derive(Debug)]
pub(crate) enum CreateError {
    NameTaken(String),
    UnknownDatabase(String),
}

#[derive(Debug, Default)]
pub(crate) struct State {
    pub(crate) databases: HashSet<String>,
    tokens: HashMap<TokenHash, Record>,
    names: HashMap<String, TokenHash>,
    next_id: u64,
}

/// Who is asking.
pub(crate) enum Caller<'a> {
    Admin,
    Token(&'a Record),
}

impl State {
    /// The token holder, if `token` is known and not expired.
    pub(crate) fn caller(&self, token: &str) -> Option<Caller<'_>> {
        let record = self.tokens.get(&TokenHash::of(token))?;
        if record.expired() {
            return None;
        }
        Some(if record.admin {
            Caller::Admin
        } else {
            Caller::Token(record)
        })
    }

    pub(crate) fn allows(
        caller: &Caller<'_>,
        resource: Resource<'_>,
        action: influxdb3_permission::Action,
    ) -> bool {
        match caller {
            Caller::Admin => true,
            Caller::Token(record) => record.permissions.allows(resource, action),
        }
    }

    pub(crate) fn has_name(&self, name: &str) -> bool {
        self.names.contains_key(name)
    }

    /// Stores a token (only its hash) and gives the response body the server sends.
    pub(crate) fn insert(
        &mut self,
        token: &Token,
        name: &str,
        admin: bool,
        permissions: &[Permission],
        expiry: Option<Timestamp>,
    ) -> Result<serde_json::Value, CreateError> {
        if self.names.contains_key(name) {
            return Err(CreateError::NameTaken(name.to_owned()));
        }
        for p in permissions {
            if let Permission::Database {
                names: Scope::Only(names),
                ..
            } = p
                && let Some(db) = names.iter().find(|db| !self.databases.contains(&***db))
            {
                return Err(CreateError::UnknownDatabase(db.to_string()));
            }
        }
        let record = Record {
            id: self.next_id,
            name: name.to_owned(),
            admin,
            permissions: permissions.iter().collect(),
            listed: permissions.to_vec(),
            expiry,
            created: Timestamp::now(),
            updated: None,
            description: None,
        };
        self.next_id += 1;
        Ok(self.keep(token, record))
    }

    /// Stores `record` under `token`'s hash, and gives the response body the server
    /// sends.
    fn keep(&mut self, token: &Token, record: Record) -> serde_json::Value {
        let hash = token.hash();
        let body = json!({
            "id": record.id,
            "name": record.name,
            "token": token.expose_secret(),
            "hash": hash.to_string(),
            "created_at": record.created.to_string(),
            "expiry": record.expiry.map(|at| at.to_string()),
        });
        self.names.insert(record.name.clone(), hash);
        self.tokens.insert(hash, record);
        body
    }

    /// Gives the token named `name` a new secret, as upstream regenerates its admin
    /// token: the same id, name and creation time, updated now by itself. `None` when
    /// there is no such token.
    pub(crate) fn regenerate(&mut self, name: &str, token: &Token) -> Option<serde_json::Value> {
        let old = self.names.remove(name)?;
        let mut record = self.tokens.remove(&old)?;
        record.updated = Some((Timestamp::now(), record.id));
        Some(self.keep(token, record))
    }

    /// The rows of `system.tokens`, by id: the record and the first 9 hex characters of
    /// its hash.
    pub(crate) fn rows(&self) -> Vec<(&Record, String)> {
        let mut rows: Vec<(&Record, String)> = self
            .tokens
            .iter()
            .map(|(hash, record)| (record, format!("{hash:.9}")))
            .collect();
        rows.sort_by_key(|(record, _)| record.id);
        rows
    }

    /// Gives the token named `name` a description; `false` if there is none.
    pub(crate) fn describe(&mut self, name: &str, description: &str) -> bool {
        let Some(record) = self.names.get(name).and_then(|h| self.tokens.get_mut(h)) else {
            return false;
        };
        record.description = Some(description.to_owned());
        true
    }

    /// Removes the token named `name`; `false` if there is none.
    pub(crate) fn remove(&mut self, name: &str) -> bool {
        match self.names.remove(name) {
            Some(hash) => {
                self.tokens.remove(&hash);
                true
            }
            None => false,
        }
    }

    /// `expiry_secs` from now, as the server computes it (0 gives a token that has
    /// already expired, as upstream does); `Err` when it overflows.
    pub(crate) fn expiry_from_secs(secs: Option<u64>) -> Result<Option<Timestamp>, ()> {
        let Some(secs) = secs else { return Ok(None) };
        i64::try_from(secs)
            .ok()
            .and_then(|s| s.checked_mul(1000))
            .and_then(|ms| ms.checked_add(Timestamp::now().millis()))
            .map(|ms| Some(Timestamp::from_millis(ms)))
            .ok_or(())
    }
}
