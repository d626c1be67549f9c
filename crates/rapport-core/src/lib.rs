//! Rapport's domain: the types of the glossary and every computation whose
//! result the product shows. Pure: no I/O, no clock, no async, no SQL, so
//! each number can be unit-tested against a published reference.

#![forbid(unsafe_code)]

pub mod access;
pub mod agenda;
pub mod disclosure;
pub mod domain;
pub mod estimate;
pub mod evm;
pub mod evm_file;
pub mod health;
pub mod ids;
pub mod ledger;
pub mod located;
pub mod relevance;
pub mod style;
