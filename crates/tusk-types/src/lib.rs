//! tusk-types
