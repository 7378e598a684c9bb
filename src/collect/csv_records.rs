//! A bound on the size of one CSV record, checked as the bytes stream past: the `csv` crate
//! gathers a whole record in memory before it hands it over, so a file with a 1 GB field would
//! take 2 GB to be refused. [`BoundedRecords`] sits between the file and the CSV reader, follows
//! the quoting as the reader does (a quote opens a field only at its start; `""` inside quotes is
//! a quote; line breaks inside quotes do not end the record) and fails the read as soon as a
//! record grows past the bound, naming the line the record starts on.

use std::io::{self, Read};

/// The error a read fails with when a record grows past the bound; found again with
/// [`too_long`].
#[derive(Debug, thiserror::Error)]
#[error("the record starting on line {line} is longer than {max} bytes")]
pub struct RecordTooLong {
    /// The 1-based line of the file the record starts on.
    pub line: u64,
    pub max: usize,
}

/// The [`RecordTooLong`] inside an I/O error, if it is one.
pub fn too_long(error: &io::Error) -> Option<&RecordTooLong> {
    error.get_ref()?.downcast_ref::<RecordTooLong>()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    /// At the start of a field (or of a record).
    FieldStart,
    Unquoted,
    Quoted,
    /// A quote inside a quoted field: the end of the quotes, or the first of `""`.
    QuoteInQuoted,
}

/// Passes the bytes of `inner` through, and fails once a record is longer than `max` bytes.
pub struct BoundedRecords<R> {
    inner: R,
    delimiter: u8,
    max: usize,
    state: State,
    in_record: usize,
    /// Line breaks read so far.
    lines: u64,
    /// The line the current record starts on.
    record_line: u64,
}

impl<R: Read> BoundedRecords<R> {
    pub fn new(inner: R, delimiter: u8, max: usize) -> BoundedRecords<R> {
        BoundedRecords {
            inner,
            delimiter,
            max,
            state: State::FieldStart,
            in_record: 0,
            lines: 0,
            record_line: 1,
        }
    }

    /// Follows one byte; `false` when the record has grown past the bound.
    fn follow(&mut self, byte: u8) -> bool {
        let ends_record = matches!(byte, b'\n' | b'\r');
        if byte == b'\n' {
            self.lines += 1;
        }
        self.state = match (self.state, byte) {
            (State::Quoted, b'"') => State::QuoteInQuoted,
            (State::Quoted, _) => State::Quoted,
            (State::QuoteInQuoted, b'"') => State::Quoted,
            (State::FieldStart, b'"') => State::Quoted,
            (_, b) if b == self.delimiter => State::FieldStart,
            (_, _) if ends_record => {
                self.in_record = 0;
                self.record_line = self.lines + 1;
                return true;
            }
            _ => State::Unquoted,
        };
        self.in_record += 1;
        self.in_record <= self.max
    }
}

impl<R: Read> Read for BoundedRecords<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        for &byte in &buf[..n] {
            if !self.follow(byte) {
                return Err(io::Error::other(RecordTooLong {
                    line: self.record_line,
                    max: self.max,
                }));
            }
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(text: &[u8], max: usize) -> Result<Vec<u8>, u64> {
        let mut out = Vec::new();
        // Small reads, so that records cross the reads' boundaries.
        let mut reader = BoundedRecords::new(io::BufReader::with_capacity(3, text), b',', max);
        let mut chunk = [0u8; 5];
        loop {
            match reader.read(&mut chunk) {
                Ok(0) => return Ok(out),
                Ok(n) => out.extend_from_slice(&chunk[..n]),
                Err(e) => return Err(too_long(&e).expect("a record too long").line),
            }
        }
    }

    #[test]
    fn records_within_the_bound_pass_unchanged() {
        let text = b"id,text\r\n1,\"a\nb,\"\"c\"\"\"\n2,x\"y\n";
        assert_eq!(read_all(text, 13), Ok(text.to_vec()));
        assert_eq!(read_all(text, 12), Err(2));
    }

    #[test]
    fn a_record_past_the_bound_is_refused_with_the_line_it_starts_on() {
        let text = b"id,text\n1,short\n2,\"a long\nquoted\ntext\"\n3,x\n";
        assert_eq!(read_all(text, 12), Err(3));
        // Line breaks inside quotes do not end a record; a quote inside an unquoted field
        // opens nothing.
        assert_eq!(read_all(b"a,b\"\nc,ddddddddddddddddd\n", 12), Err(2));
        assert_eq!(read_all(b"a,\"b\"\"\nccccccccccccccc\"\n", 12), Err(1));
    }
}
