//! Trees over the article's key space: hashes, positions, comparisons
//! and the keys a sync sends.

use super::*;
use alloc::string::ToString;

/// The article's key space: keys "0", "50", …, "3950" over `[0, 4000)`.
fn article_keys() -> BTreeMap<String, u64> {
    (0..4000)
        .step_by(50)
        .map(|k| (k.to_string(), digest_value("v1", "[1, 0, 0]")))
        .collect()
}

fn entries(m: &BTreeMap<String, u64>) -> impl Iterator<Item = (&str, u64)> {
    m.iter().map(|(k, &d)| (k.as_str(), d))
}

fn tree(m: &BTreeMap<String, u64>, range: (u64, u64), depth: u8) -> MerkleTree {
    MerkleTree::build(entries(m), range, depth)
}

/// Replica B took newer writes for every key in 1000..2000 while A was
/// down.
fn article_pair() -> (BTreeMap<String, u64>, BTreeMap<String, u64>) {
    let a = article_keys();
    let mut b = a.clone();
    for k in (1000..2000).step_by(50) {
        b.insert(k.to_string(), digest_value("v2", "[1, 1, 0]"));
    }
    (a, b)
}

fn step(level: u8, index: usize, equal: bool) -> Step {
    Step {
        level,
        index,
        equal,
    }
}

#[test]
fn identical_replicas_exchange_only_the_root() {
    let a = article_keys();
    let (ta, tb) = (tree(&a, (0, 4000), 3), tree(&a.clone(), (0, 4000), 3));
    assert_eq!(ta.root(), tb.root());
    let c = compare(&ta, &tb).unwrap();
    assert_eq!(c.steps, [step(0, 0, true)]);
    assert!(c.differing_leaves.is_empty() && c.in_sync());
    assert_eq!(c.hashes_exchanged, 1);
}

#[test]
fn article_depth_two_descends_only_into_1000_2000() {
    let (a, b) = article_pair();
    let (ta, tb) = (tree(&a, (0, 4000), 2), tree(&b, (0, 4000), 2));
    let c = compare(&ta, &tb).unwrap();
    assert_eq!(
        c.steps,
        [
            step(0, 0, false), // [0, 4000)
            step(1, 0, false), // [0, 2000)
            step(1, 1, true),  // [2000, 4000): its leaves are skipped
            step(2, 0, true),  // [0, 1000)
            step(2, 1, false), // [1000, 2000)
        ]
    );
    assert_eq!(c.differing_leaves, [1]);
    assert_eq!(ta.leaf_range(1), (1000, 2000));
    assert_eq!(c.hashes_exchanged, 5);
    assert!(c.step_at(2, 2).is_none() && c.step_at(1, 1).unwrap().equal);
}

#[test]
fn article_depth_three_splits_1000_2000_into_two_leaves() {
    let (a, b) = article_pair();
    let (ta, tb) = (tree(&a, (0, 4000), 3), tree(&b, (0, 4000), 3));
    let c = compare(&ta, &tb).unwrap();
    assert_eq!(
        c.steps,
        [
            step(0, 0, false),
            step(1, 0, false),
            step(1, 1, true),
            step(2, 0, true),
            step(2, 1, false),
            step(3, 2, false),
            step(3, 3, false),
        ]
    );
    assert_eq!(c.differing_leaves, [2, 3]);
    assert_eq!(
        (ta.leaf_range(2), ta.leaf_range(3)),
        ((1000, 1500), (1500, 2000))
    );
}

#[test]
fn article_depth_six_exchanges_far_fewer_hashes_than_the_whole_tree() {
    let (a, b) = article_pair();
    let (ta, tb) = (tree(&a, (0, 4000), 6), tree(&b, (0, 4000), 6));
    let c = compare(&ta, &tb).unwrap();
    // Leaves are 62.5 positions wide; 1000..2000 is exactly leaves 16..32
    // and each holds a changed key.
    assert_eq!(c.differing_leaves, (16..32).collect::<Vec<_>>());
    let ranges: Vec<_> = c
        .differing_leaves
        .iter()
        .map(|&l| ta.leaf_range(l))
        .collect();
    assert_eq!(ranges.first().unwrap().0, 1000);
    assert_eq!(ranges.last().unwrap().1, 2000);
    assert!(ranges.windows(2).all(|w| w[0].1 == w[1].0));
    // 1 + 2 + 2 + 2 + 4 + 8 + 16: one equal sibling per level until the
    // subtree is exactly 1000..2000, then everything below it.
    assert_eq!(c.hashes_exchanged, 35);
    assert_eq!(node_count(6), 127);
    assert!(c.hashes_exchanged * 3 < node_count(6));
    // Every step below level 0 is a child of a differing step.
    for s in &c.steps[1..] {
        let parent = c.step_at(s.level - 1, s.index / 2).unwrap();
        assert!(!parent.equal);
    }
}

#[test]
fn keys_to_sync_lists_the_differing_leaves_contents() {
    let a = article_keys();
    let mut b = a.clone();
    b.insert("1050".to_string(), digest_value("v2", "[1, 1, 0]"));
    b.remove("1500");
    b.insert("1725".to_string(), digest_value("new", "[0, 1, 0]"));
    let (ta, tb) = (tree(&a, (0, 4000), 2), tree(&b, (0, 4000), 2));
    let c = compare(&ta, &tb).unwrap();
    assert_eq!(c.differing_leaves, [1]);
    let sync = keys_to_sync(entries(&a), entries(&b), &c.differing_leaves, &ta);
    // The whole leaf [1000, 2000) travels: A's 20 keys plus B's new one.
    let mut expected: Vec<String> = (1000..2000).step_by(50).map(|k| k.to_string()).collect();
    expected.push("1725".to_string());
    expected.sort_by_key(|k| k.parse::<u32>().unwrap());
    let listed: Vec<&str> = sync.iter().map(|s| s.key.as_str()).collect();
    assert_eq!(listed, expected);
    assert!(sync.iter().all(|s| s.leaf == 1));
    let changed: Vec<&str> = sync
        .iter()
        .filter(|s| !s.in_sync())
        .map(|s| s.key.as_str())
        .collect();
    assert_eq!(changed, ["1050", "1500", "1725"]);
    let k1500 = sync.iter().find(|s| s.key == "1500").unwrap();
    assert_eq!((k1500.a.is_some(), k1500.b), (true, None));
    let k1725 = sync.iter().find(|s| s.key == "1725").unwrap();
    assert_eq!((k1725.a, k1725.b.is_some()), (None, true));
}

#[test]
fn a_key_on_one_side_only_is_detected() {
    let a = article_keys();
    let mut b = a.clone();
    b.insert("cart:alice".to_string(), digest_value("milk", "[1]"));
    let leaf = tree(&a, (0, 4000), 4).leaf_of("cart:alice").unwrap();
    for (x, y) in [(&a, &b), (&b, &a)] {
        let (tx, ty) = (tree(x, (0, 4000), 4), tree(y, (0, 4000), 4));
        assert_ne!(tx.root(), ty.root());
        let c = compare(&tx, &ty).unwrap();
        assert_eq!(c.differing_leaves, [leaf]);
        let sync = keys_to_sync(entries(x), entries(y), &c.differing_leaves, &tx);
        let odd: Vec<_> = sync.iter().filter(|s| !s.in_sync()).collect();
        assert_eq!(odd.len(), 1);
        assert_eq!(odd[0].key, "cart:alice");
    }
}

#[test]
fn insertion_order_does_not_change_any_hash() {
    let mut pairs: Vec<(String, u64)> = (0..300u64)
        .map(|i| (format!("k{i}"), i * 7))
        .chain((0..4000).step_by(37).map(|k: u64| (k.to_string(), k)))
        .collect();
    let build = |pairs: &[(String, u64)]| {
        MerkleTree::build(pairs.iter().map(|(k, d)| (k.as_str(), *d)), (0, 4000), 5)
    };
    let forward = build(&pairs);
    pairs.reverse();
    assert_eq!(build(&pairs), forward);
    pairs.sort_by(|x, y| x.1.cmp(&y.1).then(y.0.cmp(&x.0)));
    assert_eq!(build(&pairs), forward);
    // A repeated key keeps its largest digest whichever comes first.
    let one = MerkleTree::build([("7", 1), ("7", 9)], (0, 10), 1);
    let other = MerkleTree::build([("7", 9), ("7", 1)], (0, 10), 1);
    assert_eq!(one, other);
    assert_eq!(one, MerkleTree::build([("7", 9)], (0, 10), 1));
}

#[test]
fn mismatched_trees_are_refused() {
    let a = article_keys();
    let t2 = tree(&a, (0, 4000), 2);
    let t3 = tree(&a, (0, 4000), 3);
    let other_range = tree(&a, (0, 8000), 2);
    assert_eq!(
        compare(&t2, &t3),
        Err(MerkleError::DepthMismatch { a: 2, b: 3 })
    );
    let e = compare(&t2, &other_range).unwrap_err();
    assert_eq!(
        e,
        MerkleError::RangeMismatch {
            a: (0, 4000),
            b: (0, 8000)
        }
    );
    assert!(e.to_string().contains("same key range"));
}

#[test]
fn bad_depth_or_range_is_refused() {
    let none = core::iter::empty::<(&str, u64)>;
    assert_eq!(
        MerkleTree::try_build(none(), (0, 4000), 11),
        Err(MerkleError::Depth { depth: 11 })
    );
    assert!(MerkleTree::try_build(none(), (0, 4000), MAX_DEPTH).is_ok());
    assert_eq!(
        MerkleTree::try_build(none(), (5, 5), 0),
        Err(MerkleError::Range {
            lo: 5,
            hi: 5,
            leaves: 1
        })
    );
    // Every leaf must cover at least one position.
    assert!(MerkleTree::try_build(none(), (0, 3), 2).is_err());
    assert!(MerkleTree::try_build(none(), (0, 4), 2).is_ok());
}

#[test]
fn positions_are_numbers_or_stable_hashes() {
    assert_eq!(key_position("1500"), 1500);
    assert_eq!(key_position("007"), 7);
    assert_eq!(key_position("4294967295"), u32::MAX);
    // Not decimal (or too big): hashed, pinned so the layout never moves.
    assert_eq!(key_position("apple"), (fnv1a(b"apple") >> 32) as u32);
    assert_eq!(key_position("apple"), 0xf74a_62a4);
    assert_ne!(key_position("+5"), 5);
    assert_eq!(
        key_position("4294967296"),
        (fnv1a(b"4294967296") >> 32) as u32
    );
    let t = MerkleTree::build(core::iter::empty(), (1000, 2000), 3);
    assert_eq!(t.position_of("1500"), 1500);
    assert_eq!(t.position_of("2500"), 2500);
    assert_eq!(t.leaf_of("2500"), None); // outside: another tree's job
    assert_eq!(t.leaf_of("1500"), Some(4));
    for key in ["apple", "cart:alice", "", "-1", "x".repeat(100).as_str()] {
        let p = t.position_of(key);
        assert!((1000..2000).contains(&p), "{key:?} at {p}");
    }
}

#[test]
fn keys_outside_the_range_are_not_covered() {
    let inside = MerkleTree::build([("10", 1)], (0, 100), 2);
    let plus_outside = MerkleTree::build([("10", 1), ("500", 2)], (0, 100), 2);
    assert_eq!(inside, plus_outside);
    let sync = keys_to_sync([("500", 1)], [("500", 2)], &[0, 1, 2, 3], &inside);
    assert!(sync.is_empty());
}

#[test]
fn leaves_split_the_range_evenly() {
    let t = MerkleTree::build(core::iter::empty(), (0, 4000), 2);
    let ranges: Vec<_> = (0..4).map(|i| t.leaf_range(i)).collect();
    assert_eq!(
        ranges,
        [(0, 1000), (1000, 2000), (2000, 3000), (3000, 4000)]
    );
    assert_eq!(t.node_range(0, 0), (0, 4000));
    assert_eq!(t.node_range(1, 1), (2000, 4000));
    // Uneven widths differ by at most one, and every position's leaf
    // agrees with the leaf ranges.
    let t = MerkleTree::build(core::iter::empty(), (10, 20), 2);
    let ranges: Vec<_> = (0..4).map(|i| t.leaf_range(i)).collect();
    assert_eq!(ranges, [(10, 13), (13, 15), (15, 18), (18, 20)]);
    for depth in 0..=4 {
        let t = MerkleTree::build(core::iter::empty(), (3, 40), depth);
        for p in 3..40u64 {
            let leaf = t.leaf_of(&p.to_string()).unwrap();
            let (lo, hi) = t.leaf_range(leaf);
            assert!(lo <= p && p < hi, "depth {depth}: {p} in leaf {leaf}");
        }
    }
}

#[test]
fn empty_leaves_share_one_fixed_hash() {
    assert_eq!(leaf_hash(&[]), EMPTY_LEAF);
    let t = MerkleTree::build([("3999", 1)], (0, 4000), 2);
    assert_eq!(t.node(2, 0), EMPTY_LEAF);
    assert_ne!(t.node(2, 3), EMPTY_LEAF);
    assert_eq!(t.node(1, 0), inner_hash(EMPTY_LEAF, EMPTY_LEAF));
    assert_eq!(t.node(1, 1), inner_hash(EMPTY_LEAF, t.node(2, 3)));
    assert_eq!(t.root(), inner_hash(t.node(1, 0), t.node(1, 1)));
}

#[test]
fn digests_separate_value_from_version() {
    assert_eq!(
        digest_value("milk", "[1, 0]"),
        digest_value("milk", "[1, 0]")
    );
    assert_ne!(digest_value("ab", "c"), digest_value("a", "bc"));
    assert_ne!(
        digest_value("milk", "[1, 0]"),
        digest_value("milk", "[1, 1]")
    );
}

#[test]
fn depth_zero_is_the_root_alone() {
    let t0 = MerkleTree::build([("1", 1)], (0, 4000), 0);
    let t1 = MerkleTree::build([("1", 2)], (0, 4000), 0);
    assert_eq!(
        (t0.depth(), t0.leaf_count(), t0.leaf_range(0)),
        (0, 1, (0, 4000))
    );
    let c = compare(&t0, &t1).unwrap();
    assert_eq!(c.steps, [step(0, 0, false)]);
    assert_eq!(c.differing_leaves, [0]);
}

#[test]
fn views_for_drawing_two_trees() {
    assert_eq!(short_hash(0x1234_5678_9abc_def0), "123456");
    assert_eq!(short_hash(1), "000000");
    let t = tree(&article_keys(), (0, 4000), 2);
    let levels = t.levels();
    assert_eq!(levels.iter().map(Vec::len).collect::<Vec<_>>(), [1, 2, 4]);
    assert_eq!(levels[0][0].hash, t.root());
    assert_eq!(levels[0][0].keys, 80);
    assert_eq!(levels[1][1].range, (2000, 4000));
    assert_eq!(levels[1][1].keys, 40);
    assert_eq!(levels[2][3].keys, t.leaf_len(3));
    assert_eq!(levels[2][3].hash, t.node(2, 3));
    assert!(levels
        .iter()
        .flatten()
        .all(|n| t.node(n.level, n.index) == n.hash));
}
