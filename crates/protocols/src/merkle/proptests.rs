//! Random key sets, random edits: syncing the keys of the differing
//! leaves always makes the trees equal, and no leaf whose contents
//! differ goes unreported.

use super::*;
use alloc::string::ToString;
use proptest::prelude::*;

const RANGE: (u64, u64) = (0, 1000);

#[derive(Clone, Debug)]
enum Edit {
    Change(usize, u64),
    Delete(usize),
    Insert(String, u64),
}

/// Decimal keys, some beyond the range (never covered), and text keys.
fn key() -> impl Strategy<Value = String> {
    prop_oneof![(0u32..1200).prop_map(|n| n.to_string()), "[a-z]{1,6}",]
}

fn edit() -> impl Strategy<Value = Edit> {
    prop_oneof![
        (any::<usize>(), any::<u64>()).prop_map(|(i, d)| Edit::Change(i, d)),
        any::<usize>().prop_map(Edit::Delete),
        (key(), any::<u64>()).prop_map(|(k, d)| Edit::Insert(k, d)),
    ]
}

fn apply(a: &BTreeMap<String, u64>, edits: &[Edit]) -> BTreeMap<String, u64> {
    let mut b = a.clone();
    for e in edits {
        let nth = |i: usize, m: &BTreeMap<String, u64>| {
            (!m.is_empty()).then(|| m.keys().nth(i % m.len()).unwrap().clone())
        };
        match e {
            Edit::Change(i, d) => {
                if let Some(k) = nth(*i, &b) {
                    b.insert(k, *d);
                }
            }
            Edit::Delete(i) => {
                if let Some(k) = nth(*i, &b) {
                    b.remove(&k);
                }
            }
            Edit::Insert(k, d) => {
                b.insert(k.clone(), *d);
            }
        }
    }
    b
}

fn build(m: &BTreeMap<String, u64>, depth: u8) -> MerkleTree {
    MerkleTree::build(m.iter().map(|(k, &d)| (k.as_str(), d)), RANGE, depth)
}

/// Leaf `leaf`'s `(key, digest)` contents.
fn contents(m: &BTreeMap<String, u64>, t: &MerkleTree, leaf: usize) -> BTreeMap<String, u64> {
    m.iter()
        .filter(|(k, _)| t.leaf_of(k) == Some(leaf))
        .map(|(k, &d)| (k.clone(), d))
        .collect()
}

proptest! {
    #[test]
    fn syncing_differing_leaves_equalises_roots(
        a in prop::collection::btree_map(key(), any::<u64>(), 0..80),
        edits in prop::collection::vec(edit(), 0..12),
        depth in 0u8..=6,
    ) {
        let b = apply(&a, &edits);
        let (ta, tb) = (build(&a, depth), build(&b, depth));
        let c = compare(&ta, &tb).unwrap();
        prop_assert_eq!(c.in_sync(), ta.root() == tb.root());

        // Steps: root first, then exactly the children of differing
        // nodes, each with the right verdict.
        prop_assert_eq!(c.steps[0].level, 0);
        for s in &c.steps {
            prop_assert_eq!(s.equal, ta.node(s.level, s.index) == tb.node(s.level, s.index));
            if s.level > 0 {
                prop_assert!(!c.step_at(s.level - 1, s.index / 2).unwrap().equal);
            }
        }
        prop_assert_eq!(c.hashes_exchanged, c.steps.len());

        // Every leaf whose contents differ is reported, and only those.
        for leaf in 0..ta.leaf_count() {
            let differs = contents(&a, &ta, leaf) != contents(&b, &tb, leaf);
            prop_assert_eq!(differs, c.differing_leaves.contains(&leaf), "leaf {}", leaf);
        }

        // Copy B's version of every listed key to A (deleting A-only
        // keys): the trees then agree.
        let sync = keys_to_sync(
            a.iter().map(|(k, &d)| (k.as_str(), d)),
            b.iter().map(|(k, &d)| (k.as_str(), d)),
            &c.differing_leaves,
            &ta,
        );
        let mut synced = a.clone();
        for s in &sync {
            prop_assert!(c.differing_leaves.contains(&s.leaf));
            match s.b {
                Some(d) => synced.insert(s.key.clone(), d),
                None => synced.remove(&s.key),
            };
        }
        let ts = build(&synced, depth);
        prop_assert_eq!(ts.root(), tb.root());
        prop_assert!(compare(&ts, &tb).unwrap().in_sync());
    }
}
