//! The per-connection statement cache: SQL text → prepared [`Statement`], least
//! recently used out first.
//!
//! A hit skips Parse and Describe, so a query costs one round trip (Bind, Execute,
//! Sync). An evicted statement is closed on the server when its last handle is dropped
//! (see [`Statement`]). In `unnamed` mode the cached value is only the description
//! (parameter and column types); the statement itself is re-parsed as the unnamed
//! statement in the same round trip.

use crate::config::StatementCacheMode;
use crate::statement::Statement;
use std::collections::HashMap;

pub(crate) struct StatementCache {
    entries: HashMap<Box<str>, Entry>,
    capacity: usize,
    mode: StatementCacheMode,
    clock: u64,
}

struct Entry {
    statement: Statement,
    last_used: u64,
}

impl StatementCache {
    pub(crate) fn new(capacity: usize, mode: StatementCacheMode) -> StatementCache {
        StatementCache {
            entries: HashMap::new(),
            capacity,
            mode,
            clock: 0,
        }
    }

    pub(crate) fn enabled(&self) -> bool {
        self.capacity > 0
    }

    pub(crate) fn mode(&self) -> StatementCacheMode {
        self.mode
    }

    pub(crate) fn get(&mut self, sql: &str) -> Option<&Statement> {
        self.clock += 1;
        let now = self.clock;
        self.entries.get_mut(sql).map(|e| {
            e.last_used = now;
            &e.statement
        })
    }

    pub(crate) fn insert(&mut self, sql: &str, statement: Statement) {
        if !self.enabled() {
            return;
        }
        if self.entries.len() >= self.capacity && !self.entries.contains_key(sql) {
            // O(n) scan on eviction only; n is the cache size (256 by default).
            if let Some(oldest) = self
                .entries
                .iter()
                .min_by_key(|(_, e)| e.last_used)
                .map(|(k, _)| k.clone())
            {
                self.entries.remove(&oldest);
            }
        }
        self.clock += 1;
        self.entries.insert(
            sql.into(),
            Entry {
                statement,
                last_used: self.clock,
            },
        );
    }

    pub(crate) fn remove(&mut self, sql: &str) {
        self.entries.remove(sql);
    }

    pub(crate) fn len(&self) -> usize {
        self.entries.len()
    }

    pub(crate) fn clear(&mut self) {
        self.entries.clear();
    }
}
