//! The embedded bunq sandbox (being written).
