//! What happens to the world besides messages and timers: the scenario's
//! scripted faults and operator interventions (crash, recover, partition,
//! heal, slow link, promote, add a follower) and the clients' requests,
//! direct or routed through a user session, each recorded as a step.

// The engine's own vocabulary: this is the rest of its `impl`.
use super::*;

impl<P: Protocol> Engine<'_, P> {
    pub(super) fn apply(&mut self, action: Action, index: u32) {
        match action {
            Action::Crash { node } => {
                let i = node.index();
                if self.world.up[i] {
                    self.world.up[i] = false;
                    Rc::make_mut(&mut self.world.nodes[i]).on_crash();
                    self.world.timers[i].clear();
                    if self.setup.explore {
                        self.world
                            .queue
                            .retain(|e| !matches!(e, Event::Timer { node: n, .. } if *n == node));
                    }
                }
                self.record(node, StepKind::Crash, index);
                self.narrate(|| format!("{node} crashed: whatever it held only in memory is gone, and messages sent to it are lost."));
                let pending = core::mem::take(&mut self.world.pending_ops[i]);
                for op in pending {
                    self.complete(
                        op,
                        Outcome::Failed {
                            reason: format!("{node} crashed before answering"),
                        },
                    );
                }
            }
            Action::Recover { node } => {
                if self.world.up[node.index()] {
                    self.record(node, StepKind::Recover, index);
                } else {
                    self.world.up[node.index()] = true;
                    self.dispatch(node, Input::Recovered, StepKind::Recover, index);
                    self.narrate(|| format!("{node} recovered with only its durable state."));
                }
            }
            Action::Partition { from, to, two_way } => self.cut(&from, &to, two_way, true, index),
            Action::Heal { from, to, two_way } => self.cut(&from, &to, two_way, false, index),
            Action::HealAll => {
                self.world.net.heal_all();
                self.record(NodeId(0), StepKind::Network, index);
                self.narrate(|| String::from("Every partition and slow link is healed."));
            }
            Action::SlowLink {
                from,
                to,
                extra_ms,
                two_way,
            } => {
                let extra = Duration(ms_to_instant(extra_ms).0);
                self.world.net.set_slow(from, to, extra);
                if two_way {
                    self.world.net.set_slow(to, from, extra);
                }
                self.record(from, StepKind::Network, index);
                self.narrate(|| {
                    let arrow = if two_way { "↔" } else { "→" };
                    if extra == Duration::ZERO {
                        format!("The link {from} {arrow} {to} is back to normal speed.")
                    } else {
                        format!("The link {from} {arrow} {to} is slow: every message takes {extra} longer.")
                    }
                });
            }
            Action::Promote { node } => self.promote(node, index),
            Action::AddFollower { node } => self.add_follower(node, index),
            Action::Client { node, request } => self.client(node, request, None),
            Action::Session { session, request } => self.session(session, request),
        }
    }

    /// An operator's failover: the node is told it leads now. The note
    /// comes first so the narration reads in order.
    pub(super) fn promote(&mut self, node: NodeId, index: u32) {
        self.record(node, StepKind::Promote, index);
        if !self.world.up[node.index()] {
            self.narrate(|| format!("An operator tries to promote {node}, but it is down."));
            return;
        }
        self.narrate(|| {
            format!(
                "An operator promotes {node} to leader (a manual failover, like pg_ctl promote)."
            )
        });
        if let Some(command) = P::command(OperatorAction::Promote) {
            self.handle(node, Input::Command(command));
        }
    }

    /// An operator adds a follower: the node starts its join.
    pub(super) fn add_follower(&mut self, node: NodeId, index: u32) {
        self.record(node, StepKind::Join, index);
        if !self.world.up[node.index()] {
            self.narrate(|| {
                format!("An operator tries to add {node} as a follower, but it is down.")
            });
            return;
        }
        self.narrate(|| format!("An operator adds {node} as a new follower."));
        if let Some(command) = P::command(OperatorAction::AddFollower) {
            self.handle(node, Input::Command(command));
        }
    }

    /// A user session's request, routed by the application.
    pub(super) fn session(&mut self, session: u32, request: Request) {
        let spec = self.setup.scenario.protocol.spec();
        if let Some((node, why)) = spec.route(session, &request, &self.world.up) {
            return self.send_routed(session, Route { node, request, why });
        }
        let world = &mut *self.world;
        let leader = (0..self.setup.nodes)
            .map(NodeId)
            .find(|n| world.up[n.index()] && world.nodes[n.index()].leads());
        let followers: Vec<(NodeId, bool)> = (0..self.setup.nodes)
            .map(NodeId)
            .filter(|&n| Some(n) != leader && !world.nodes[n.index()].leads())
            .map(|n| (n, world.up[n.index()]))
            .collect();
        let route = world.sessions.route(
            &self.setup.scenario.workload.routing,
            session,
            request,
            world.now,
            leader,
            &followers,
        );
        self.send_routed(session, route);
    }

    /// Sends a session's request where the router chose, with the
    /// router's reason first in the narration of that step.
    pub(super) fn send_routed(&mut self, session: u32, route: Route) {
        // Registered first: an asynchronous leader answers inside `client`.
        let op = OpId(self.world.next_op);
        self.world.sessions.sent(session, op, &route.request);
        let step = self.world.steps as u32;
        self.client(route.node, route.request, Some(session));
        // The routing decision reads first in the narration of that step.
        if let Some(trace) = self.trace.as_mut() {
            let at = trace.notes.partition_point(|n| n.step < step);
            trace.notes.insert(
                at,
                Note {
                    step,
                    text: route.why,
                },
            );
        }
    }

    /// Cuts (or restores) every link between the two groups.
    pub(super) fn cut(
        &mut self,
        from: &[NodeId],
        to: &[NodeId],
        two_way: bool,
        cut: bool,
        index: u32,
    ) {
        let next = self.world.next_message;
        for &a in from {
            for &b in to {
                self.world.net.set_cut(a, b, cut, next);
                if two_way {
                    self.world.net.set_cut(b, a, cut, next);
                }
            }
        }
        self.record(
            from.first().copied().unwrap_or_default(),
            StepKind::Network,
            index,
        );
        self.narrate(|| {
            let way = if two_way {
                "in both directions"
            } else {
                "in this direction only"
            };
            if cut {
                format!(
                    "Partition: {} cannot reach {} ({way}).",
                    group(from),
                    group(to)
                )
            } else {
                format!(
                    "Healed: {} and {} can talk again ({way}).",
                    group(from),
                    group(to)
                )
            }
        });
    }

    /// Adds a narration line to the step just recorded.
    pub(super) fn narrate(&mut self, text: impl FnOnce() -> String) {
        let step = self.world.steps.saturating_sub(1) as u32;
        if let Some(trace) = self.trace.as_mut() {
            trace.notes.push(Note { step, text: text() });
        }
    }

    pub(super) fn generate(&mut self) {
        let Some(g) = self.setup.scenario.workload.generator.as_ref() else {
            self.world.next_generated = None;
            return;
        };
        let rng = &mut self.world.workload_rng;
        let node = if g.nodes.is_empty() {
            NodeId(rng.between(0, u64::from(self.setup.nodes) - 1) as u16)
        } else {
            g.nodes[rng.index(g.nodes.len())]
        };
        let key = format!("k{}", rng.between(1, u64::from(g.keys)));
        let request = if rng.chance(g.read_fraction) {
            Request::read(&key)
        } else {
            // Values are the operation's number: every write is distinct.
            Request::Write {
                key,
                value: i64::from(self.world.next_op) + 1,
            }
        };
        self.world.next_generated = next_arrival(g, self.world.now, &mut self.world.workload_rng);
        self.client(node, request, None);
    }

    pub(super) fn client(&mut self, node: NodeId, request: Request, session: Option<u32>) {
        let op = OpId(self.world.next_op);
        self.world.next_op += 1;
        let step = self.world.steps as u32;
        if let Some(history) = self.history.as_mut() {
            history.invoke_in_session(node, request.clone(), self.world.now, step, session);
        }
        // A node that is down, or a request this protocol does not serve:
        // the client hears why at once, and the node sees nothing.
        let request = if self.world.up[node.index()] {
            P::request(request)
        } else {
            Err(format!("{node} is down"))
        };
        match request {
            Ok(request) => {
                self.world.pending_ops[node.index()].push(op);
                self.dispatch(node, Input::Client { op, request }, StepKind::Client, op.0);
            }
            Err(reason) => {
                self.record(node, StepKind::Client, op.0);
                self.complete(op, Outcome::Failed { reason });
            }
        }
    }

    pub(super) fn complete(&mut self, op: OpId, outcome: Outcome) {
        let now = self.world.now;
        self.world.sessions.answered(op, &outcome, now);
        let step = self.world.steps.saturating_sub(1) as u32;
        if let Some(history) = self.history.as_mut() {
            history.complete(op, outcome, now, step);
        }
    }
}
