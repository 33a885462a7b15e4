//! Stable sorting with one compiled copy of the sorting loop. The
//! standard library's sorts are generic over the element type, so every
//! `sort_by_key` in the simulator and its views becomes its own ~3 KB of
//! WebAssembly (28 copies, about 90 KB before compression). Here only a
//! merge sort of `u32` positions behind a `dyn` comparator is compiled,
//! once; the generic part is a closure and a permutation. The result is
//! exactly what a stable sort gives, so traces do not change.
//!
//! Collecting into an ordered map or set sorts too: `BTreeMap::from_iter`
//! stable-sorts its input first, one more copy of std's sort per key and
//! value type. [`map_from`] and [`set_from`] insert instead, which every
//! map type compiles anyway.

use alloc::collections::{BTreeMap, BTreeSet};
use alloc::vec::Vec;
use core::cmp::Ordering;

/// Sorts `v` by `cmp`, keeping equal elements in their order.
pub fn sort_by<T>(v: &mut Vec<T>, cmp: impl Fn(&T, &T) -> Ordering) {
    if v.len() < 2 {
        return;
    }
    let order = {
        let items: &[T] = v;
        sorted_positions(items.len(), &|a, b| {
            cmp(&items[a as usize], &items[b as usize])
        })
    };
    let mut old: Vec<Option<T>> = v.drain(..).map(Some).collect();
    v.extend(order.iter().filter_map(|&i| old[i as usize].take()));
}

/// Sorts `v` by `key`, keeping elements with equal keys in their order.
pub fn sort_by_key<T, K: Ord>(v: &mut Vec<T>, key: impl Fn(&T) -> K) {
    sort_by(v, |a, b| key(a).cmp(&key(b)));
}

/// Sorts `v` in ascending order.
pub fn sort<T: Ord>(v: &mut Vec<T>) {
    sort_by(v, T::cmp);
}

/// `items.collect::<BTreeMap<_, _>>()` without std's sort. As with
/// `collect`, a later pair replaces an earlier one with an equal key.
pub fn map_from<K: Ord, V>(items: impl IntoIterator<Item = (K, V)>) -> BTreeMap<K, V> {
    let mut map = BTreeMap::new();
    for (k, v) in items {
        map.insert(k, v);
    }
    map
}

/// `items.collect::<BTreeSet<_>>()` without std's sort.
pub fn set_from<T: Ord>(items: impl IntoIterator<Item = T>) -> BTreeSet<T> {
    let mut set = BTreeSet::new();
    for x in items {
        set.insert(x);
    }
    set
}

/// The positions `0..n` in stable sorted order: a bottom-up merge sort
/// (runs of 1, 2, 4, … merged between two buffers).
fn sorted_positions(n: usize, cmp: &dyn Fn(u32, u32) -> Ordering) -> Vec<u32> {
    let mut src: Vec<u32> = (0..n as u32).collect();
    let mut dst = alloc::vec![0u32; n];
    let mut width = 1;
    while width < n {
        let mut start = 0;
        while start < n {
            let mid = (start + width).min(n);
            let end = (start + 2 * width).min(n);
            let (mut i, mut j) = (start, mid);
            for slot in &mut dst[start..end] {
                // Ties take from the left run: that is what keeps it stable.
                let left = j >= end || (i < mid && cmp(src[i], src[j]) != Ordering::Greater);
                if left {
                    *slot = src[i];
                    i += 1;
                } else {
                    *slot = src[j];
                    j += 1;
                }
            }
            start = end;
        }
        core::mem::swap(&mut src, &mut dst);
        width *= 2;
    }
    src
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::SimRng;

    #[test]
    fn matches_the_standard_stable_sort_on_many_inputs() {
        let mut rng = SimRng::stream(9, "sorting");
        for round in 0..300 {
            let n = rng.between(0, 200) as usize;
            let range = rng.between(1, 20);
            // (key, original position): ties must keep positions ascending.
            let input: Vec<(u64, usize)> = (0..n).map(|i| (rng.between(0, range), i)).collect();
            let mut ours = input.clone();
            sort_by_key(&mut ours, |x| x.0);
            let mut std = input.clone();
            std.sort_by_key(|x| x.0);
            assert_eq!(ours, std, "round {round}, n {n}");
        }
    }

    #[test]
    fn map_and_set_from_equal_collect_including_repeated_keys() {
        let mut rng = SimRng::stream(10, "sorting-maps");
        for _ in 0..100 {
            let n = rng.between(0, 60) as usize;
            let pairs: Vec<(u64, usize)> = (0..n).map(|i| (rng.between(0, 15), i)).collect();
            let want: BTreeMap<u64, usize> = pairs.iter().copied().collect();
            assert_eq!(map_from(pairs.iter().copied()), want);
            let want: BTreeSet<u64> = pairs.iter().map(|p| p.0).collect();
            assert_eq!(set_from(pairs.iter().map(|p| p.0)), want);
        }
    }

    #[test]
    fn sorts_owned_values_and_reverse_orders() {
        let mut words: Vec<alloc::string::String> = ["pear", "apple", "fig", "apple"]
            .iter()
            .map(|s| (*s).into())
            .collect();
        sort(&mut words);
        assert_eq!(words, ["apple", "apple", "fig", "pear"]);
        let mut xs = alloc::vec![3, 1, 2];
        sort_by(&mut xs, |a, b| b.cmp(a));
        assert_eq!(xs, [3, 2, 1]);
        let mut one = alloc::vec![5];
        sort(&mut one);
        assert_eq!(one, [5]);
        let mut none: Vec<u8> = Vec::new();
        sort(&mut none);
        assert!(none.is_empty());
    }
}
