//! The rule-change impact (issue 10, item 4): to be written.
