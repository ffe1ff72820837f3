//! The division board (issue 10, item 2): to be written.
