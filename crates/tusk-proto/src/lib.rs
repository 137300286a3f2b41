//! tusk-proto
