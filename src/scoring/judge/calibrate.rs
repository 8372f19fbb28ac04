//! Running the gold set.
