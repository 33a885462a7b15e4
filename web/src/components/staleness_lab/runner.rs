//! Runs every curve's trials without freezing the page: the page calls
//! [`Job::slice`] once per turn of the event loop, which steps the curves
//! in turn, a few milliseconds each, until its time budget is spent.
//! Chunk sizes adapt so each step lasts about 2–8 ms whatever the method
//! (a direct trial takes a microsecond, a protocol trial a millisecond).

use replicascope_core::staleness::{Method, StalenessRun};

use super::config::LabConfig;
use super::curves::Curve;

/// Largest chunk of trials one step may ask for.
const MAX_CHUNK: u64 = 1 << 20;

pub struct Job {
    /// What runs (its view settings follow the page's toggles).
    pub lab: LabConfig,
    runs: Vec<StalenessRun>,
    chunks: Vec<u64>,
    /// The curve whose turn is next.
    next: usize,
    started_ms: f64,
    ended_ms: Option<f64>,
    /// Time spent inside slices: trials, without yields and redraws.
    busy_ms: f64,
    pub stopped: bool,
}

impl Job {
    /// Every problem with `lab`, each naming its field, if it cannot run.
    pub fn start(lab: LabConfig, now_ms: f64) -> Result<Job, Vec<String>> {
        let runs = lab
            .runs()?
            .into_iter()
            .map(StalenessRun::new)
            .collect::<Result<Vec<_>, _>>()
            .map_err(|problems| {
                problems
                    .into_iter()
                    .map(|p| format!("{}: {}", p.field, p.message))
                    .collect::<Vec<_>>()
            })?;
        let first = match lab.method {
            Method::Direct => 1024,
            Method::Protocol => 1,
        };
        Ok(Job {
            chunks: vec![first; runs.len()],
            runs,
            lab,
            next: 0,
            started_ms: now_ms,
            ended_ms: None,
            busy_ms: 0.0,
            stopped: false,
        })
    }

    pub fn running(&self) -> bool {
        self.ended_ms.is_none()
    }

    /// Steps the curves in turn until `budget_ms` of `clock` have passed
    /// or every curve is done.
    pub fn slice(&mut self, budget_ms: f64, clock: &mut dyn FnMut() -> f64) {
        let start = clock();
        let mut now = start;
        let count = self.runs.len();
        while self.running() && now - start < budget_ms {
            let Some(i) = (0..count)
                .map(|k| (self.next + k) % count)
                .find(|&i| !self.runs[i].finished())
            else {
                self.ended_ms = Some(now);
                break;
            };
            self.next = (i + 1) % count;
            let before = now;
            self.runs[i].step(self.chunks[i]);
            now = clock();
            let took = now - before;
            let chunk = &mut self.chunks[i];
            if took < 2.0 {
                *chunk = (*chunk * 2).min(MAX_CHUNK);
            } else if took > 8.0 {
                *chunk = (*chunk / 2).max(1);
            }
        }
        if self.running() && self.runs.iter().all(StalenessRun::finished) {
            self.ended_ms = Some(now);
        }
        self.busy_ms += now - start;
    }

    pub fn stop(&mut self, now_ms: f64) {
        if self.running() {
            self.ended_ms = Some(now_ms);
            self.stopped = true;
        }
    }

    /// Trials run so far, over all curves.
    pub fn done(&self) -> u64 {
        self.runs.iter().map(StalenessRun::done).sum()
    }

    /// Trials asked for, over all curves.
    pub fn total(&self) -> u64 {
        self.lab.trials * self.runs.len() as u64
    }

    /// Wall-clock time from Run to the end (or to `now_ms` while running),
    /// yields and redraws included.
    pub fn elapsed_ms(&self, now_ms: f64) -> f64 {
        self.ended_ms.unwrap_or(now_ms) - self.started_ms
    }

    /// Time spent running trials (slices only), ms.
    pub fn busy_ms(&self) -> f64 {
        self.busy_ms
    }

    pub fn curves(&self) -> Vec<Curve> {
        self.runs
            .iter()
            .map(|r| Curve::read(r, &self.lab))
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A clock that advances 1 ms per reading.
    fn ticking() -> impl FnMut() -> f64 {
        let mut t = 0.0;
        move || {
            t += 1.0;
            t
        }
    }

    #[test]
    fn slices_share_time_between_curves_until_done() {
        let lab = LabConfig {
            trials: 30_000,
            ..LabConfig::default()
        };
        let mut job = Job::start(lab, 0.0).unwrap();
        assert_eq!(job.total(), 120_000);
        let mut clock = ticking();
        job.slice(4.0, &mut clock);
        // Four steps of 1024 trials, one per curve.
        assert_eq!(job.done(), 4 * 1024);
        assert!(job.curves().iter().all(|c| c.result.trials == 1024));
        assert!(job.running());
        let mut slices = 1;
        while job.running() {
            job.slice(40.0, &mut clock);
            slices += 1;
            assert!(slices < 100);
        }
        assert_eq!(job.done(), 120_000);
        assert!(!job.stopped);
        assert!(job.elapsed_ms(1e9) > 0.0 && job.elapsed_ms(1e9) < 1e9);
        assert!(job.busy_ms() > 0.0 && job.busy_ms() <= job.elapsed_ms(1e9));
        // Finished: a further slice does nothing.
        job.slice(40.0, &mut clock);
        assert_eq!(job.done(), 120_000);
    }

    #[test]
    fn stop_keeps_what_was_done() {
        let mut job = Job::start(LabConfig::default(), 10.0).unwrap();
        job.slice(3.0, &mut ticking());
        let done = job.done();
        job.stop(25.0);
        assert!(job.stopped && !job.running());
        assert_eq!(job.elapsed_ms(99.0), 15.0);
        job.slice(40.0, &mut ticking());
        assert_eq!(job.done(), done);
    }

    #[test]
    fn refused_settings_name_their_field() {
        let lab = LabConfig {
            trials: 0,
            ..LabConfig::default()
        };
        let e = Job::start(lab, 0.0).err().unwrap();
        assert!(
            e.iter().any(|p| p.starts_with("trials: 0 is not allowed")),
            "{e:?}"
        );
    }
}
