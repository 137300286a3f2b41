//! tusk-testkit
