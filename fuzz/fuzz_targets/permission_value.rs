//! Arbitrary value → text → value: every valid permission shows as a string that parses
//! back to it, and its wire form and JSON-free serde string agree.
#![no_main]

use influxdb3_permission::{Permission, PermissionSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|list: Vec<Permission>| {
    for p in &list {
        let shown = p.to_string();
        let parsed: Permission = shown.parse().expect("a displayed permission parses");
        assert_eq!(&parsed, p);
        assert_eq!(parsed.to_string(), shown);
        assert_eq!(&Permission::from_wire(&p.to_wire()).expect("wire round trip"), p);
    }
    // Normalizing keeps the grants and is stable.
    let set: PermissionSet = list.iter().collect();
    let normal = set.normalize();
    let again: PermissionSet = normal.iter().collect();
    assert_eq!(again.normalize(), normal);
});
