//! The review page (issue 10, item 3): to be written.
