//! One component per file. Each receives the reducer handle and renders a
//! plain function of the model; actions go back through `dispatch`.

pub mod anomalies;
pub mod client_ops;
pub mod compare_table;
pub mod controls;
pub mod explorer;
pub mod history_check;
pub mod inspector;
pub mod latency_chart;
pub mod narration;
pub mod params;
pub mod preset_picker;
pub mod quorum_calculator;
pub mod settings;
pub mod share;
pub mod spacetime;
pub mod spacetime_canvas;
pub mod staleness_lab;
pub mod table_view;
pub mod topology;
pub mod tour_list;
pub mod tour_player;
