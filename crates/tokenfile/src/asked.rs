//! What `tokens check` asks of a token: an ACTION on a RESOURCE, turned into the
//! permission that would grant it, for [`TokenEntry::check`](crate::TokenEntry::check).

use influxdb3_permission::{Action, ParsePermissionError, Permission};
use influxdb3_token::Quoted;

use crate::model::Check;

/// Why an ACTION and a RESOURCE are not a question [`Check::asked`] can put; the
/// messages name them so.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum AskError {
    /// The action is not one of `create`, `describe`, `read`, `write`, `delete`.
    #[error("invalid ACTION {}: {}", Quoted(action), source.kind())]
    Action {
        /// The action given.
        action: String,
        /// The grammar's error, with its hint.
        #[source]
        source: Box<ParsePermissionError>,
    },
    /// The resource has no type (`db:`, `system:`).
    #[error("invalid RESOURCE {}", Quoted(resource))]
    Untyped {
        /// The resource given.
        resource: String,
    },
    /// The resource names several (`db:a,b`): a question is about one.
    #[error("invalid RESOURCE {}: name one resource", Quoted(resource))]
    NotOne {
        /// The resource given.
        resource: String,
    },
    /// The resource and the action together are not a permission: the grammar's
    /// error, pointing into `RESOURCE:ACTION`.
    #[error("invalid RESOURCE:ACTION")]
    Permission(#[source] Box<ParsePermissionError>),
}

impl Check {
    /// What `tokens check` asks: `action` (`read`) on `resource` (`db:NAME`, `db:*`,
    /// `system:NAME`, `system:*`), as the permission that would grant it.
    ///
    /// ```
    /// use influxdb3_tokenfile::Check;
    ///
    /// assert_eq!(Check::asked("write", "db:metrics")?.to_string(), "db:metrics:write");
    /// assert!(Check::asked("write", "db:a,b").is_err());
    /// # Ok::<(), influxdb3_tokenfile::AskError>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`AskError`]: an unknown action, a resource without a type or naming several,
    /// or a pair that is not a permission.
    pub fn asked(action: &str, resource: &str) -> Result<Permission, AskError> {
        let parsed: Action = action.parse().map_err(|source| AskError::Action {
            action: action.to_owned(),
            source: Box::new(source),
        })?;
        let Some((_, names)) = resource.split_once(':') else {
            return Err(AskError::Untyped {
                resource: resource.to_owned(),
            });
        };
        if names.contains(',') {
            return Err(AskError::NotOne {
                resource: resource.to_owned(),
            });
        }
        format!("{resource}:{parsed}")
            .parse()
            .map_err(|e| AskError::Permission(Box::new(e)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_action_on_one_resource_is_the_permission_that_grants_it() {
        let asked = |a, r| Check::asked(a, r).map(|p| p.to_string());
        assert_eq!(asked("read", "db:*").as_deref(), Ok("db:*:read"));
        assert_eq!(
            asked("read", "system:health").as_deref(),
            Ok("system:health:read")
        );
        assert!(matches!(
            asked("write", "system:health"),
            Err(AskError::Permission(_))
        ));
        assert!(matches!(
            asked("reed", "db:a"),
            Err(AskError::Action { .. })
        ));
        assert!(matches!(
            asked("read", "metrics"),
            Err(AskError::Untyped { .. })
        ));
        assert!(matches!(
            asked("read", "db:a,b"),
            Err(AskError::NotOne { .. })
        ));
        assert!(matches!(
            asked("read", "table:a"),
            Err(AskError::Permission(_))
        ));
        let e = Check::asked("read", "db:a,b").unwrap_err();
        assert_eq!(
            e.to_string(),
            "invalid RESOURCE `db:a,b`: name one resource"
        );
    }
}
