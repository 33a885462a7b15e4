//! The multi-leader parameters the page offers, as data (see
//! [`crate::protocol::params`]).

use alloc::vec;
use alloc::vec::Vec;

use super::{CrdtKind, Resolution, ResolverKind, Topology};
use crate::protocol::params::{slider, variants, Group, Kind, Param, When};

/// The multi-leader controls: datacenters, topology and how conflicts
/// are resolved.
pub fn params() -> Vec<Group> {
    vec![Group {
        title: "Multi-leader",
        params: controls(),
        note: None,
    }]
}

fn controls() -> Vec<Param> {
    use CrdtKind as C;
    use ResolverKind as R;
    const RESOLUTION: &str = "/protocol/resolution";
    vec![
        slider("Datacenters", "/protocol/datacenters", (2.0, 5.0, 1.0), ""),
        slider(
            "Followers per datacenter",
            "/protocol/followers_per_datacenter",
            (0.0, 3.0, 1.0),
            "",
        ),
        variants(
            "Replication topology",
            "/protocol/topology",
            &[Topology::AllToAll, Topology::Circular, Topology::Star],
            Topology::name,
        ),
        slider(
            "Delay between datacenters",
            "/protocol/cross_dc_ms",
            (0.0, 500.0, 10.0),
            "ms",
        ),
        variants(
            "Conflict resolution",
            RESOLUTION,
            &[
                Resolution::None,
                Resolution::LastWriteWins,
                Resolution::Crdt,
                Resolution::Resolver,
            ],
            Resolution::name,
        ),
        variants(
            "CRDT type",
            "/protocol/crdt",
            &[
                C::GCounter,
                C::PnCounter,
                C::GSet,
                C::TwoPSet,
                C::OrSet,
                C::LwwRegister,
                C::MvRegister,
            ],
            CrdtKind::name,
        )
        .when(When::OneOf(RESOLUTION, &["crdt"])),
        variants(
            "Resolver",
            "/protocol/resolver",
            &[R::Higher, R::Lower, R::MergeSets, R::Review],
            ResolverKind::name,
        )
        .when(When::OneOf(RESOLUTION, &["resolver"])),
        Param::new(
            "Causal delivery (hold writes until what they depend on arrives)",
            "/protocol/causal_delivery",
            Kind::Check,
        ),
        Param::new(
            "Route writes to each key's home datacenter",
            "/protocol/route_by_key",
            Kind::Check,
        ),
    ]
}
