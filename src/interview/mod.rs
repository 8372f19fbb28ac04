//! The live interview: the loop (`live`) that joins the session state
//! machine, an interviewer engine (`interviewer`: the offline one or a
//! model) and the terminal front end (`repl`); `/run` is `run_code`.

pub mod interviewer;
pub mod live;
pub mod repl;
pub mod run_code;
