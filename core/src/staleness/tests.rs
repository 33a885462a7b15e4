//! The staleness lab's behaviour: the two ways of counting agree, strict
//! quorums are never stale, and results do not depend on batching.

use alloc::vec;
use alloc::vec::Vec;

use super::*;

fn config(n: u8, w: u8, r: u8, latency: &str, method: Method, trials: u64) -> StalenessConfig {
    StalenessConfig {
        n,
        w,
        r,
        latency: LatencyModel::parse(latency).unwrap(),
        t_ms: vec![0.0, 1.0, 2.0, 5.0, 10.0, 20.0, 50.0, 100.0],
        trials,
        seed: 7,
        method,
    }
}

/// Both estimates of P(consistent) at each t are within five standard
/// errors of each other (a false alarm about once in 3 million).
fn assert_agree(a: &StalenessResult, b: &StalenessResult) {
    for (pa, pb) in a.points.iter().zip(&b.points) {
        let var = |p: f64, n: u64| p * (1.0 - p) / n as f64;
        let p = (pa.p_consistent + pb.p_consistent) / 2.0;
        let sigma = libm::sqrt(var(p, a.trials) + var(p, b.trials)).max(1e-4);
        let gap = (pa.p_consistent - pb.p_consistent).abs();
        assert!(
            gap <= 5.0 * sigma,
            "t = {} ms: {} ({:?}) vs {} ({:?}), {:.1} standard errors apart",
            pa.t_ms,
            pa.p_consistent,
            a.method,
            pb.p_consistent,
            b.method,
            gap / sigma
        );
    }
    for (x, y, what) in [
        (a.write_latency_ms.p50, b.write_latency_ms.p50, "write p50"),
        (a.read_latency_ms.p50, b.read_latency_ms.p50, "read p50"),
        (a.write_latency_ms.p99, b.write_latency_ms.p99, "write p99"),
    ] {
        assert!(
            (x - y).abs() <= 0.08 * x.max(y) + 0.01,
            "{what}: {x} vs {y}"
        );
    }
}

#[test]
fn the_protocol_and_the_direct_model_agree() {
    for (n, w, r, latency) in [
        (3, 1, 1, "lnkd-disk"),
        (3, 1, 2, "exp:0.1,0.5"),
        (3, 1, 1, "wan"),
        (5, 1, 2, "ymmr"),
    ] {
        let sim = StalenessRun::run(config(n, w, r, latency, Method::Protocol, 3000)).unwrap();
        let direct = StalenessRun::run(config(n, w, r, latency, Method::Direct, 200_000)).unwrap();
        assert_eq!(sim.error, None);
        // A partial quorum must actually be stale sometimes, or this
        // comparison would prove nothing.
        assert!(
            direct.points[0].p_consistent < 0.99,
            "{latency}: {direct:?}"
        );
        assert_agree(&sim, &direct);
    }
}

#[test]
fn overlapping_quorums_are_never_stale() {
    for method in [Method::Direct, Method::Protocol] {
        let trials = if method == Method::Direct {
            20_000
        } else {
            300
        };
        for (n, w, r) in [(3, 2, 2), (3, 3, 1), (5, 1, 5), (5, 3, 3)] {
            let result = StalenessRun::run(config(n, w, r, "ymmr", method, trials)).unwrap();
            assert!(
                result.points.iter().all(|p| p.p_consistent == 1.0),
                "[{n},{w},{r}] {method:?}: {:?}",
                result.points
            );
            assert_eq!(result.t_999_ms, Some(0.0));
        }
    }
}

#[test]
fn staleness_falls_with_time_and_with_bigger_quorums() {
    let one = StalenessRun::run(config(3, 1, 1, "lnkd-disk", Method::Direct, 100_000)).unwrap();
    let p: Vec<f64> = one.points.iter().map(|p| p.p_consistent).collect();
    assert!(p.windows(2).all(|w| w[0] <= w[1]), "{p:?}");
    assert!(p[0] < 0.9 && p[p.len() - 1] > 0.999, "{p:?}");
    let t = one.t_999_ms.unwrap();
    // The 99.9 % point lies between the first t that reaches it and the
    // one before.
    let reached = one
        .points
        .iter()
        .position(|p| p.p_consistent >= 0.999)
        .unwrap();
    assert!(t <= one.points[reached].t_ms + 0.5, "{t}");
    assert!(t > one.points[reached - 1].t_ms, "{t}");
    // Reading from two replicas is fresher and slower.
    let two = StalenessRun::run(config(3, 1, 2, "lnkd-disk", Method::Direct, 100_000)).unwrap();
    assert!(two.points[0].p_consistent > one.points[0].p_consistent);
    assert!(two.read_latency_ms.p50 > one.read_latency_ms.p50);
}

#[test]
fn batches_do_not_change_the_answer_and_the_seed_does() {
    let c = config(3, 1, 1, "ymmr", Method::Direct, 10_000);
    let whole = StalenessRun::run(c.clone()).unwrap();
    let mut run = StalenessRun::new(c.clone()).unwrap();
    while !run.finished() {
        run.step(333);
        assert!(run.progress() <= 1.0);
    }
    assert_eq!(run.result(), whole);
    let other = StalenessRun::run(StalenessConfig { seed: 8, ..c }).unwrap();
    assert_ne!(other, whole);
}

#[test]
fn bad_settings_are_named() {
    let mut c = config(3, 4, 0, "lnkd-ssd", Method::Direct, 0);
    c.t_ms = vec![f64::NAN, -1.0];
    let problems = StalenessRun::new(c).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["w", "r", "t_ms[0]", "t_ms[1]", "trials"]);
    let mut c = config(10, 1, 1, "lnkd-ssd", Method::Protocol, 2_000_000);
    c.t_ms.clear();
    let problems = StalenessRun::new(c).unwrap_err();
    let fields: Vec<&str> = problems.iter().map(|p| p.field.as_str()).collect();
    assert_eq!(fields, ["n", "t_ms", "trials"]);
}

#[test]
fn lnkd_disk_reproduces_the_papers_immediate_consistency() {
    // The PBS paper (section 5.6): right after a write commits, LNKD-DISK
    // with n = 3, r = w = 1 gives a consistent read 43.9 % of the time.
    let mut c = config(3, 1, 1, "lnkd-disk", Method::Direct, 200_000);
    c.t_ms = vec![0.0];
    let p = StalenessRun::run(c).unwrap().points[0].p_consistent;
    assert!((p - 0.439).abs() < 0.01, "{p}");
}
