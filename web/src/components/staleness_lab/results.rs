//! What a run found, in figures: the progress bar and the throughput (the
//! browser benchmark), and per curve P(consistent) at t = 0, the t at which
//! it reaches 99.9 %, write and read latency percentiles and trials.

use yew::prelude::*;

use super::chart::colour;
use super::curves::{grouped, ms, percent, Curve};
use super::runner::Job;

/// The progress bar and the line under it.
pub fn progress(job: &Job, now_ms: f64) -> Html {
    let (done, total) = (job.done(), job.total());
    let secs = job.elapsed_ms(now_ms) / 1000.0;
    let status = if job.running() {
        html! {
            <p class="sl-status" data-testid="staleness-status">
                { format!("Running: {} of {} trials, {secs:.1} s", grouped(done), grouped(total)) }
            </p>
        }
    } else {
        let rate = |ms: f64| grouped((done as f64 * 1000.0 / ms.max(1.0)).round() as u64);
        let verb = if job.stopped {
            "Stopped after"
        } else {
            "Done:"
        };
        html! {
            <p class="sl-status" data-testid="staleness-throughput">
                { format!("{verb} {} trials in {secs:.2} s — ", grouped(done)) }
                <strong>{ format!("{} trials/s", rate(job.elapsed_ms(now_ms))) }</strong>
                { format!(" in this browser ({} trials/s while computing, between redraws)", rate(job.busy_ms())) }
            </p>
        }
    };
    html! {
        <div class="sl-progress">
            <progress data-testid="staleness-progress" max={total.to_string()} value={done.to_string()}
                aria-label="Trials done"></progress>
            { status }
        </div>
    }
}

fn triple(p: &replicascope_core::staleness::Percentiles, trials: u64) -> [String; 3] {
    if trials == 0 {
        return [(); 3].map(|_| String::from("–"));
    }
    [p.p50, p.p99, p.p999].map(ms)
}

/// One row per curve.
pub fn table(curves: &[Curve], t_max: f64) -> Html {
    let rows = curves.iter().enumerate().map(|(i, c)| {
        let r = &c.result;
        let t999 = match r.t_999_ms {
            _ if c.overlaps() => String::from("0 (w + r > n)"),
            _ if r.trials == 0 => String::from("–"),
            Some(t) => ms(t),
            None => format!("> {}", ms(t_max)),
        };
        let [w50, w99, w999] = triple(&r.write_latency_ms, r.trials);
        let [r50, r99, r999] = triple(&r.read_latency_ms, r.trials);
        html! {
            <tr data-curve={c.id()}>
                <th scope="row"><span class="sl-swatch" style={format!("background:{}", colour(i))}></span>{ c.label() }</th>
                <td class="p0">{ c.p0.map(percent).unwrap_or_else(|| String::from("–")) }</td>
                <td class="t999">{ t999 }</td>
                <td>{ w50 }</td><td>{ w99 }</td><td>{ w999 }</td>
                <td>{ r50 }</td><td>{ r99 }</td><td>{ r999 }</td>
                <td class="trials">{ grouped(r.trials) }</td>
                if let Some(e) = &r.error { <td class="sl-error">{ e }</td> }
            </tr>
        }
    });
    html! {
        <div class="sl-table-wrap">
            <table class="data sl-table" data-testid="staleness-table">
                <thead>
                    <tr>
                        <th rowspan="2">{ "curve" }</th>
                        <th rowspan="2">{ "P at t = 0" }</th>
                        <th rowspan="2">{ "t for 99.9 % (ms)" }</th>
                        <th colspan="3">{ "write latency (ms)" }</th>
                        <th colspan="3">{ "read latency (ms)" }</th>
                        <th rowspan="2">{ "trials" }</th>
                    </tr>
                    <tr>
                        <th>{ "p50" }</th><th>{ "p99" }</th><th>{ "p99.9" }</th>
                        <th>{ "p50" }</th><th>{ "p99" }</th><th>{ "p99.9" }</th>
                    </tr>
                </thead>
                <tbody>{ for rows }</tbody>
            </table>
        </div>
    }
}
