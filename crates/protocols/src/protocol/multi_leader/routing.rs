//! The application's router for user sessions in a multi-leader setup.
//! By default each user talks to the datacenter nearest them (user 1 to
//! dc 1, user 2 to dc 2, …), so two users editing one key write through
//! two leaders — the recipe for conflicts. Conflict avoidance routes every
//! request for a key to the key's home datacenter instead, so one leader
//! orders all its writes; when that leader is down the router re-routes to
//! the next datacenter, and conflicts become possible again.

use alloc::format;
use alloc::string::String;

use super::config::MultiLeaderConfig;
use crate::node::{NodeId, Request};

/// The node for `request` from user `session`, and why, given which nodes
/// are up.
pub fn route(
    config: &MultiLeaderConfig,
    session: u32,
    request: &Request,
    up: &[bool],
) -> (NodeId, String) {
    let dcs = config.dcs();
    let key = request.key();
    let (preferred, because) = if config.route_by_key && !key.is_empty() {
        let home = config.home_of(key);
        (home, format!("{key}'s home datacenter, dc {}", home + 1))
    } else {
        let near = (session.saturating_sub(1) % u32::from(dcs)) as u16;
        (
            near,
            format!("the datacenter nearest the user, dc {}", near + 1),
        )
    };
    let what = if request.is_write() { "write" } else { "read" };
    let who = format!("User {session}'s {what}");
    let first = config.leader_of(preferred);
    if up.get(first.index()).copied().unwrap_or(false) {
        return (
            first,
            format!("{who} goes to {first}, leader of {because}."),
        );
    }
    for step in 1..dcs {
        let dc = (preferred + step) % dcs;
        let leader = config.leader_of(dc);
        if up.get(leader.index()).copied().unwrap_or(false) {
            return (
                leader,
                format!(
                    "{who} would go to {first}, leader of {because}, but it is down: the router re-routes it to dc {}'s leader, {leader}.",
                    dc + 1
                ),
            );
        }
    }
    (
        first,
        format!("{who} finds no leader up; it is sent to {first} anyway."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(key: &str) -> Request {
        Request::Write {
            key: key.into(),
            value: 1,
        }
    }

    #[test]
    fn users_go_to_their_nearest_datacenter_without_avoidance() {
        let c = MultiLeaderConfig::default();
        let up = [true; 4];
        assert_eq!(route(&c, 1, &write("x"), &up).0, NodeId(0));
        assert_eq!(route(&c, 2, &write("x"), &up).0, NodeId(2));
    }

    #[test]
    fn a_key_goes_home_and_is_rerouted_when_home_is_down() {
        let mut c = MultiLeaderConfig {
            datacenters: 3,
            route_by_key: true,
            ..Default::default()
        };
        c.homes.insert("x".into(), 2);
        let mut up = [true; 6];
        assert_eq!(route(&c, 1, &write("x"), &up).0, NodeId(2));
        assert_eq!(route(&c, 3, &write("x"), &up).0, NodeId(2));
        up[2] = false;
        let (node, why) = route(&c, 1, &write("x"), &up);
        assert_eq!(node, NodeId(4));
        assert!(why.contains("re-routes"), "{why}");
    }
}
