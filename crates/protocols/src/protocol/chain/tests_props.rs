//! Properties over random runs (filled in below).
