//! Arbitrary value → text → value: every valid permission shows as a string that parses
//! back to it, and its wire form reads back to it. Sets of them compare by what they
//! grant: order does not matter, each set covers its permissions, and nothing lies
//! beyond a set from itself.
#![no_main]

use influxdb3_permission::{Permission, PermissionSet};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|list: Vec<Permission>| {
    for p in &list {
        let shown = p.to_string();
        let parsed: Permission = shown.parse().expect("a displayed permission parses");
        assert_eq!(&parsed, p);
        assert_eq!(parsed.to_string(), shown);
        let wire = serde_json::to_string(&p.wire()).expect("wire form");
        let back = Permission::deserialize_wire(&mut serde_json::Deserializer::from_str(&wire))
            .expect("wire round trip");
        assert_eq!(&back, p);
    }
    let set: PermissionSet = list.iter().collect();
    let reversed: PermissionSet = list.iter().rev().collect();
    assert_eq!(set, reversed);
    assert!(list.iter().all(|p| set.covers(p)));
    assert!(set.beyond(&reversed).is_empty());
});
