//! What the tests of this crate share.

use influxdb3_permission::{Grants, Permission};

/// A permission token's grants, from permission texts that are valid.
pub(crate) fn grants(permissions: &[&str]) -> Grants {
    Grants::try_from(
        permissions
            .iter()
            .map(|p| p.parse::<Permission>().unwrap())
            .collect::<Vec<_>>(),
    )
    .unwrap()
}
