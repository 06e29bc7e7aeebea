//! What `fix --apply` and `rollback` need beyond the sandbox: the write-ahead
//! [`journal`] of every change, [`replace`], which recreates a container as a tighter
//! copy, and [`undo`], which puts one journaled change back.

pub mod journal;
pub mod replace;
pub mod undo;
