//! A data set for estimation: a CSV file read once into cells, converted on demand into numbers
//! or category codes (each column once, cached). Empty cells are missing values.
//!
//! The reader is our own because it is on the hot path (a million rows must parse in well under a
//! second): SIMD search for separators, the two halves of a large file in parallel, and no
//! allocation per cell.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

/// A problem with the data, naming the line (1-based, the header is line 1) and column.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct DataError(pub String);

/// A numeric column: NaN marks a missing value.
pub type Numbers = Vec<f64>;

/// A categorical column: a code per row (`None` when missing) and the distinct values by code,
/// codes numbered in the order values first appear.
#[derive(Debug, Clone)]
pub struct Categories {
    pub codes: Vec<Option<u32>>,
    pub values: Vec<String>,
}

/// The cells of a CSV file.
#[derive(Debug)]
pub struct Dataset {
    /// The file's bytes (quoted cells are unescaped in place).
    bytes: Vec<u8>,
    headers: Vec<String>,
    index: HashMap<String, usize>,
    /// Row-major: the cell of row r, column c is `cells[r * width + c]`, a byte range.
    cells: Vec<(u32, u32)>,
    rows: usize,
    numbers: Mutex<HashMap<String, Arc<Numbers>>>,
    categories: Mutex<HashMap<String, Arc<Categories>>>,
}

/// Files larger than this are parsed in two halves at once.
const PARALLEL_FROM: usize = 4 << 20;

impl Dataset {
    /// Parses CSV text (comma-separated, optional double quotes with `""` escapes, LF or CRLF);
    /// columns are converted when first asked for.
    pub fn from_csv(bytes: Vec<u8>) -> Result<Dataset, DataError> {
        let (mut bytes, headers, body_start) = read_header(bytes)?;
        let width = headers.len();
        let (_, body) = bytes.split_at_mut(body_start);
        let parts = parse_parallel(body, body_start, width, |_| CellSink(Vec::new()))?;
        let mut cells = Vec::new();
        let mut rows = 0;
        for (count, sink) in parts {
            rows += count;
            cells.extend(sink.0);
        }
        Ok(Dataset::new(bytes, headers, cells, rows))
    }

    /// Parses CSV text converting only the named columns, as it reads: faster and smaller when
    /// the columns needed are known (as for an estimation request). Other columns cannot be
    /// asked for later.
    pub fn from_csv_columns(
        bytes: Vec<u8>,
        numeric: &[&str],
        categorical: &[&str],
    ) -> Result<Dataset, DataError> {
        let (mut bytes, headers, body_start) = read_header(bytes)?;
        let dataset = Dataset::new(Vec::new(), headers, Vec::new(), 0);
        let numeric: Vec<(&str, usize)> = numeric
            .iter()
            .map(|n| dataset.column_index(n).map(|i| (*n, i)))
            .collect::<Result<_, _>>()?;
        let categorical: Vec<(&str, usize)> = categorical
            .iter()
            .map(|n| dataset.column_index(n).map(|i| (*n, i)))
            .collect::<Result<_, _>>()?;
        let width = dataset.headers.len();
        let (_, body) = bytes.split_at_mut(body_start);
        let parts = parse_parallel(body, body_start, width, |rows| ConvertSink {
            numeric: &numeric,
            categorical: &categorical,
            out: Converted::new(numeric.len(), categorical.len(), rows),
        })?;
        let mut rows = 0;
        let mut whole: Option<Converted> = None;
        for (count, sink) in parts {
            rows += count;
            match &mut whole {
                None => whole = Some(sink.out),
                Some(w) => w.append(sink.out),
            }
        }
        let dataset = Dataset { rows, ..dataset };
        if let Some(whole) = whole {
            dataset.store(&numeric, &categorical, whole);
        } else {
            dataset.store(
                &numeric,
                &categorical,
                Converted::new(numeric.len(), categorical.len(), 0),
            );
        }
        Ok(dataset)
    }

    /// A data set from columns already converted (as trygg builds one from stored responses).
    /// Every column must have `rows` entries.
    pub fn from_columns(
        rows: usize,
        numeric: Vec<(String, Numbers)>,
        categorical: Vec<(String, Categories)>,
    ) -> Result<Dataset, DataError> {
        let headers: Vec<String> = (numeric.iter().map(|(n, _)| n.clone()))
            .chain(categorical.iter().map(|(n, _)| n.clone()))
            .collect();
        let dataset = Dataset::new(Vec::new(), headers, Vec::new(), rows);
        if let Some((name, _)) = numeric.iter().find(|(_, v)| v.len() != rows) {
            return Err(DataError(format!(
                "column `{name}` does not have {rows} rows"
            )));
        }
        if let Some((name, _)) = categorical.iter().find(|(_, c)| c.codes.len() != rows) {
            return Err(DataError(format!(
                "column `{name}` does not have {rows} rows"
            )));
        }
        let mut numbers = lock(&dataset.numbers);
        for (name, values) in numeric {
            numbers.insert(name, Arc::new(values));
        }
        drop(numbers);
        let mut categories = lock(&dataset.categories);
        for (name, column) in categorical {
            categories.insert(name, Arc::new(column));
        }
        drop(categories);
        Ok(dataset)
    }

    fn new(bytes: Vec<u8>, headers: Vec<String>, cells: Vec<(u32, u32)>, rows: usize) -> Dataset {
        let index = headers
            .iter()
            .enumerate()
            .map(|(i, h)| (h.clone(), i))
            .collect();
        Dataset {
            bytes,
            headers,
            index,
            cells,
            rows,
            numbers: Mutex::new(HashMap::new()),
            categories: Mutex::new(HashMap::new()),
        }
    }

    fn store(
        &self,
        numeric: &[(&str, usize)],
        categorical: &[(&str, usize)],
        converted: Converted,
    ) {
        let mut numbers = lock(&self.numbers);
        for ((name, _), values) in numeric.iter().zip(converted.numbers) {
            numbers.insert((*name).to_owned(), Arc::new(values));
        }
        drop(numbers);
        let mut categories = lock(&self.categories);
        for ((name, _), column) in categorical.iter().zip(converted.categories) {
            categories.insert((*name).to_owned(), Arc::new(column.finish()));
        }
    }

    pub fn rows(&self) -> usize {
        self.rows
    }

    pub fn headers(&self) -> &[String] {
        &self.headers
    }

    pub fn has_column(&self, name: &str) -> bool {
        self.index.contains_key(name)
    }

    fn column_index(&self, name: &str) -> Result<usize, DataError> {
        self.index.get(name).copied().ok_or_else(|| {
            DataError(format!(
                "unknown column `{name}`; the data has: {}",
                self.headers.join(", ")
            ))
        })
    }

    /// Converts the named columns at once, so later calls find them ready: one pass over the
    /// rows (each row's cells and bytes are together in memory, a column's are not), the rows
    /// split between the cores.
    pub fn prepare(&self, numeric: &[&str], categorical: &[&str]) -> Result<(), DataError> {
        let numeric: Vec<(&str, usize)> = numeric
            .iter()
            .filter(|n| !lock(&self.numbers).contains_key(**n))
            .map(|n| self.column_index(n).map(|i| (*n, i)))
            .collect::<Result<_, _>>()?;
        let categorical: Vec<(&str, usize)> = categorical
            .iter()
            .filter(|n| !lock(&self.categories).contains_key(**n))
            .map(|n| self.column_index(n).map(|i| (*n, i)))
            .collect::<Result<_, _>>()?;
        if numeric.is_empty() && categorical.is_empty() {
            return Ok(());
        }
        if let Some((name, _)) = numeric.iter().chain(&categorical).next() {
            self.cells_of(name)?;
        }
        let threads = std::thread::available_parallelism()
            .map_or(1, |n| n.get())
            .clamp(1, 8);
        let per_thread = self.rows.div_ceil(threads).max(1);
        let parts: Vec<Result<Converted, DataError>> = std::thread::scope(|scope| {
            let handles: Vec<_> = (0..self.rows)
                .step_by(per_thread)
                .map(|start| {
                    let rows = start..(start + per_thread).min(self.rows);
                    let (numeric, categorical) = (&numeric, &categorical);
                    scope.spawn(move || self.convert(rows, numeric, categorical))
                })
                .collect();
            handles
                .into_iter()
                .map(|h| {
                    h.join()
                        .unwrap_or_else(|_| Err(DataError("a column conversion failed".into())))
                })
                .collect()
        });
        // The first error in row order wins; then the parts are joined in order.
        let mut parts = parts
            .into_iter()
            .collect::<Result<Vec<_>, _>>()?
            .into_iter();
        // No rows: empty columns.
        let mut whole = parts
            .next()
            .unwrap_or_else(|| Converted::new(numeric.len(), categorical.len(), 0));
        for part in parts {
            whole.append(part);
        }
        self.store(&numeric, &categorical, whole);
        Ok(())
    }

    /// Converts some columns of a range of rows.
    fn convert(
        &self,
        rows: std::ops::Range<usize>,
        numeric: &[(&str, usize)],
        categorical: &[(&str, usize)],
    ) -> Result<Converted, DataError> {
        let width = self.headers.len();
        let mut out = Converted::new(numeric.len(), categorical.len(), rows.len());
        for row in rows {
            let cells = &self.cells[row * width..(row + 1) * width];
            out.push_row(numeric, categorical, row, |column| {
                let (start, end) = cells[column];
                &self.bytes[start as usize..end as usize]
            })?;
        }
        Ok(out)
    }

    /// The column's cells, unless the data was read for other columns only.
    fn cells_of(&self, name: &str) -> Result<usize, DataError> {
        let column = self.column_index(name)?;
        if self.cells.is_empty() && self.rows > 0 {
            return Err(DataError(format!(
                "column `{name}` was not read: the data was loaded for other columns"
            )));
        }
        Ok(column)
    }

    /// A column as numbers; an empty cell (or `NA`) is NaN (missing); anything else that is not a
    /// finite number is an error naming the line and column.
    pub fn numbers(&self, name: &str) -> Result<Arc<Numbers>, DataError> {
        self.prepare(&[name], &[])?;
        lock(&self.numbers)
            .get(name)
            .cloned()
            .ok_or_else(|| DataError(format!("column `{name}` could not be read")))
    }

    /// A column as categories (any text; an empty cell or `NA` is missing).
    pub fn categories(&self, name: &str) -> Result<Arc<Categories>, DataError> {
        self.prepare(&[], &[name])?;
        lock(&self.categories)
            .get(name)
            .cloned()
            .ok_or_else(|| DataError(format!("column `{name}` could not be read")))
    }
}

/// One cell as a number: empty or `NA` is missing (NaN); anything else must be a finite number.
fn number_cell(cell: &[u8], name: &str, row: usize) -> Result<f64, DataError> {
    match cell {
        [] => return Ok(f64::NAN),
        // 0/1 answers are most cells.
        [digit @ b'0'..=b'9'] => return Ok(f64::from(digit - b'0')),
        b"NA" => return Ok(f64::NAN),
        _ => {}
    }
    parse_number(cell).ok_or_else(|| {
        DataError(format!(
            "line {}: column `{name}`: `{}` is not a number",
            row + 2,
            String::from_utf8_lossy(cell)
        ))
    })
}

/// Columns converted from a range of rows.
struct Converted {
    numbers: Vec<Vec<f64>>,
    categories: Vec<Coder>,
}

impl Converted {
    fn new(numeric: usize, categorical: usize, rows: usize) -> Converted {
        Converted {
            numbers: (0..numeric).map(|_| Vec::with_capacity(rows)).collect(),
            categories: (0..categorical).map(|_| Coder::new(rows)).collect(),
        }
    }

    /// Converts the wanted cells of one row; `cell` gives a column's untrimmed bytes.
    fn push_row<'b>(
        &mut self,
        numeric: &[(&str, usize)],
        categorical: &[(&str, usize)],
        row: usize,
        cell: impl Fn(usize) -> &'b [u8],
    ) -> Result<(), DataError> {
        for ((name, column), out) in numeric.iter().zip(&mut self.numbers) {
            out.push(number_cell(trim(cell(*column)), name, row)?);
        }
        for ((name, column), coder) in categorical.iter().zip(&mut self.categories) {
            coder.push(trim(cell(*column)), name, row)?;
        }
        Ok(())
    }

    /// Appends the rows that follow.
    fn append(&mut self, next: Converted) {
        for (mine, theirs) in self.numbers.iter_mut().zip(next.numbers) {
            mine.extend(theirs);
        }
        for (mine, theirs) in self.categories.iter_mut().zip(next.categories) {
            mine.append(theirs);
        }
    }
}

/// Builds a categorical column: codes in order of first appearance.
struct Coder {
    lookup: rustc_hash::FxHashMap<Vec<u8>, u32>,
    values: Vec<String>,
    codes: Vec<Option<u32>>,
    /// Data sorted by school and class repeat the previous value most of the time.
    last: Option<u32>,
}

impl Coder {
    fn new(rows: usize) -> Coder {
        Coder {
            lookup: HashMap::default(),
            values: Vec::new(),
            codes: Vec::with_capacity(rows),
            last: None,
        }
    }

    fn push(&mut self, cell: &[u8], name: &str, row: usize) -> Result<(), DataError> {
        if cell.is_empty() || cell == b"NA" {
            self.codes.push(None);
            return Ok(());
        }
        if let Some(code) = self.last
            && self.values[code as usize].as_bytes() == cell
        {
            self.codes.push(Some(code));
            return Ok(());
        }
        let code = match self.lookup.get(cell) {
            Some(&code) => code,
            None => {
                let text = std::str::from_utf8(cell).map_err(|_| {
                    DataError(format!(
                        "line {}: column `{name}`: the value is not valid UTF-8",
                        row + 2
                    ))
                })?;
                let code = self.values.len() as u32;
                self.values.push(text.to_owned());
                self.lookup.insert(cell.to_vec(), code);
                code
            }
        };
        self.last = Some(code);
        self.codes.push(Some(code));
        Ok(())
    }

    /// Appends the codes of the rows that follow, renumbering their values into this dictionary
    /// (new values keep their order of first appearance, as one pass would give).
    fn append(&mut self, next: Coder) {
        let renumber: Vec<u32> = next
            .values
            .iter()
            .map(|value| match self.lookup.get(value.as_bytes()) {
                Some(&code) => code,
                None => {
                    let code = self.values.len() as u32;
                    self.values.push(value.clone());
                    self.lookup.insert(value.as_bytes().to_vec(), code);
                    code
                }
            })
            .collect();
        self.codes.extend(
            next.codes
                .into_iter()
                .map(|c| c.map(|c| renumber[c as usize])),
        );
    }

    fn finish(self) -> Categories {
        Categories {
            codes: self.codes,
            values: self.values,
        }
    }
}

/// A poisoned cache lock only means another conversion panicked; the map itself is intact.
fn lock<T>(mutex: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    mutex
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner)
}

fn header_names(bytes: &[u8], cells: &[(usize, usize)]) -> Result<Vec<String>, DataError> {
    cells
        .iter()
        .map(|&(start, end)| {
            std::str::from_utf8(&bytes[start..end])
                .map(|name| name.trim().to_owned())
                .map_err(|_| DataError("line 1: a column name is not valid UTF-8".into()))
        })
        .collect()
}

/// The bytes (BOM skipped), the column names, and where the data rows start.
fn read_header(mut bytes: Vec<u8>) -> Result<(Vec<u8>, Vec<String>, usize), DataError> {
    if bytes.len() >= u32::MAX as usize {
        return Err(DataError("the data file is larger than 4 GiB".into()));
    }
    // A UTF-8 byte order mark is not part of the first column's name.
    let bom = if bytes.starts_with(&[0xEF, 0xBB, 0xBF]) {
        3
    } else {
        0
    };
    if bom >= bytes.len() {
        return Err(DataError(
            "the data file is empty: it needs a header line".into(),
        ));
    }
    let mut header = Vec::new();
    let body_start = Chunk {
        buf: &mut bytes[..],
        line: 1,
    }
    .record(bom, &mut header)?;
    let headers = header_names(&bytes, &header)?;
    let mut seen = std::collections::HashSet::new();
    for (i, name) in headers.iter().enumerate() {
        if name.is_empty() {
            return Err(DataError(format!("line 1: column {} has no name", i + 1)));
        }
        if !seen.insert(name.as_str()) {
            return Err(DataError(format!("line 1: column `{name}` appears twice")));
        }
    }
    Ok((bytes, headers, body_start))
}

/// Parses the body, in two halves at once when it is large; each half into its own sink.
fn parse_parallel<S: RowSink + Send>(
    body: &mut [u8],
    body_start: usize,
    width: usize,
    make_sink: impl Fn(usize) -> S + Sync,
) -> Result<Vec<(usize, S)>, DataError> {
    let rows_guess = body.len() / (width * 3).max(1);
    let split = if body.len() >= PARALLEL_FROM {
        safe_split(body)
    } else {
        None
    };
    match split {
        Some(at) => {
            let second_line = 2 + memchr::memchr_iter(b'\n', &body[..at]).count();
            let (first, second) = body.split_at_mut(at);
            let make_sink = &make_sink;
            let (a, b) = std::thread::scope(|scope| {
                let a = scope.spawn(move || {
                    let mut sink = make_sink(rows_guess / 2);
                    parse_rows(first, body_start, 2, width, &mut sink).map(|n| (n, sink))
                });
                let mut sink = make_sink(rows_guess / 2);
                let b = parse_rows(second, body_start + at, second_line, width, &mut sink)
                    .map(|n| (n, sink));
                (a.join(), b)
            });
            let a = a.map_err(|_| DataError("the CSV reader failed".into()))??;
            Ok(vec![a, b?])
        }
        None => {
            let mut sink = make_sink(rows_guess);
            let n = parse_rows(body, body_start, 2, width, &mut sink)?;
            Ok(vec![(n, sink)])
        }
    }
}

/// Converts the wanted columns of each row as it is read.
struct ConvertSink<'a> {
    numeric: &'a [(&'a str, usize)],
    categorical: &'a [(&'a str, usize)],
    out: Converted,
}

impl RowSink for ConvertSink<'_> {
    fn row(
        &mut self,
        buf: &[u8],
        _: usize,
        cells: &[(usize, usize)],
        line: usize,
    ) -> Result<(), DataError> {
        // Messages say "line N" as the lazy path does (row + 2 = line).
        let row = line.saturating_sub(2);
        self.out
            .push_row(self.numeric, self.categorical, row, |column| {
                let (start, end) = cells[column];
                &buf[start..end]
            })
    }
}

/// A newline near the middle that is outside any quoted value: there, the number of quote
/// characters before it is even (an escaped `""` counts two).
fn safe_split(body: &[u8]) -> Option<usize> {
    let middle = body.len() / 2;
    let quotes_before = memchr::memchr_iter(b'"', &body[..middle]).count();
    let mut quotes = quotes_before;
    let mut from = middle;
    while let Some(offset) = memchr::memchr2(b'\n', b'"', &body[from..]) {
        let at = from + offset;
        if body[at] == b'"' {
            quotes += 1;
        } else if quotes.is_multiple_of(2) {
            return Some(at + 1).filter(|&s| s < body.len());
        }
        from = at + 1;
    }
    None
}

/// What the rows of a chunk are parsed into.
trait RowSink {
    /// One row: its cells as positions in `buf` (which starts at `base` in the file), and the
    /// line it starts on.
    fn row(
        &mut self,
        buf: &[u8],
        base: usize,
        cells: &[(usize, usize)],
        line: usize,
    ) -> Result<(), DataError>;
}

/// Keeps every cell's position, for columns converted later.
struct CellSink(Vec<(u32, u32)>);

impl RowSink for CellSink {
    fn row(
        &mut self,
        _: &[u8],
        base: usize,
        cells: &[(usize, usize)],
        _: usize,
    ) -> Result<(), DataError> {
        self.0.extend(
            cells
                .iter()
                .map(|&(s, e)| ((s + base) as u32, (e + base) as u32)),
        );
        Ok(())
    }
}

/// Parses the data rows of one chunk. A line without quotes (nearly all) is split at its commas
/// directly; a line with a quote goes through the full field parser, which also handles quoted
/// values that span lines.
fn parse_rows(
    buf: &mut [u8],
    base: usize,
    first_line: usize,
    width: usize,
    sink: &mut impl RowSink,
) -> Result<usize, DataError> {
    let mut chunk = Chunk {
        buf,
        line: first_line,
    };
    let len = chunk.buf.len();
    let mut row: Vec<(usize, usize)> = Vec::with_capacity(width);
    let mut rows = 0;
    let mut pos = 0;
    while pos < len {
        let line = chunk.line;
        row.clear();
        let line_end = memchr::memchr(b'\n', &chunk.buf[pos..]).map_or(len, |o| pos + o);
        if memchr::memchr(b'"', &chunk.buf[pos..line_end]).is_some() {
            pos = chunk.record(pos, &mut row)?;
        } else {
            let content_end = if line_end > pos && chunk.buf[line_end - 1] == b'\r' {
                line_end - 1
            } else {
                line_end
            };
            chunk.line += 1;
            let next = line_end + 1;
            // A blank line (e.g. at the end) is no row.
            if content_end == pos {
                pos = next;
                continue;
            }
            let mut start = pos;
            for (offset, &b) in chunk.buf[pos..content_end].iter().enumerate() {
                if b == b',' {
                    row.push((start, pos + offset));
                    start = pos + offset + 1;
                }
            }
            row.push((start, content_end));
            pos = next;
        }
        if row.len() != width {
            return Err(DataError(format!(
                "line {line}: {} fields, but the header has {width}",
                row.len()
            )));
        }
        sink.row(chunk.buf, base, &row, line)?;
        rows += 1;
    }
    Ok(rows)
}

/// A part of the file being parsed; positions are relative to `buf`.
struct Chunk<'a> {
    buf: &'a mut [u8],
    line: usize,
}

impl Chunk<'_> {
    /// Parses one record starting at `pos`, appending its cells (positions in `buf`); returns the
    /// next position.
    fn record(
        &mut self,
        mut pos: usize,
        cells: &mut Vec<(usize, usize)>,
    ) -> Result<usize, DataError> {
        loop {
            let (cell, next, last) = self.field(pos)?;
            cells.push(cell);
            pos = next;
            if last {
                self.line += 1;
                return Ok(pos);
            }
        }
    }

    /// One field at `pos`: its range, where the next field starts, and whether it ends the record.
    fn field(&mut self, pos: usize) -> Result<((usize, usize), usize, bool), DataError> {
        let len = self.buf.len();
        let mut q = pos;
        while q < len && (self.buf[q] == b' ' || self.buf[q] == b'\t') {
            q += 1;
        }
        if q < len && self.buf[q] == b'"' {
            return self.quoted(q);
        }
        match memchr::memchr2(b',', b'\n', &self.buf[pos..]) {
            Some(offset) => {
                let end = pos + offset;
                if self.buf[end] == b',' {
                    Ok(((pos, end), end + 1, false))
                } else {
                    // CRLF: the CR belongs to the line end, not the cell.
                    let cell_end = if end > pos && self.buf[end - 1] == b'\r' {
                        end - 1
                    } else {
                        end
                    };
                    Ok(((pos, cell_end), end + 1, true))
                }
            }
            None => {
                let end = if len > pos && self.buf[len - 1] == b'\r' {
                    len - 1
                } else {
                    len
                };
                Ok(((pos, end), len, true))
            }
        }
    }

    /// A quoted field starting at the quote `q`; `""` inside is unescaped in place.
    fn quoted(&mut self, q: usize) -> Result<((usize, usize), usize, bool), DataError> {
        let len = self.buf.len();
        let opened_on = self.line;
        let start = q + 1;
        let (mut read, mut write) = (start, start);
        loop {
            if read >= len {
                return Err(DataError(format!(
                    "line {opened_on}: a quoted value is not closed"
                )));
            }
            let b = self.buf[read];
            if b == b'"' {
                if read + 1 < len && self.buf[read + 1] == b'"' {
                    self.buf[write] = b'"';
                    write += 1;
                    read += 2;
                    continue;
                }
                read += 1;
                break;
            }
            if b == b'\n' {
                self.line += 1;
            }
            self.buf[write] = b;
            write += 1;
            read += 1;
        }
        let cell = (start, write);
        while read < len && (self.buf[read] == b' ' || self.buf[read] == b'\t') {
            read += 1;
        }
        match self.buf.get(read) {
            None => Ok((cell, len, true)),
            Some(b',') => Ok((cell, read + 1, false)),
            Some(b'\n') => Ok((cell, read + 1, true)),
            Some(b'\r') if self.buf.get(read + 1) == Some(&b'\n') => Ok((cell, read + 2, true)),
            Some(_) => Err(DataError(format!(
                "line {}: text after a closing quote",
                self.line
            ))),
        }
    }
}

fn trim(mut cell: &[u8]) -> &[u8] {
    while let [b' ' | b'\t', rest @ ..] = cell {
        cell = rest;
    }
    while let [rest @ .., b' ' | b'\t'] = cell {
        cell = rest;
    }
    cell
}

/// Parses a decimal number. Plain decimals of up to 15 significant digits (nearly every survey
/// value) take a fast exact path: the digits as an integer divided by a power of ten, both exact
/// in f64, so the one rounding is the correct one. Everything else goes to the standard parser.
pub fn parse_number(cell: &[u8]) -> Option<f64> {
    const POW10: [f64; 16] = [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];
    let (negative, digits) = match cell {
        [b'-', rest @ ..] => (true, rest),
        [b'+', rest @ ..] => (false, rest),
        _ => (false, cell),
    };
    let mut mantissa: u64 = 0;
    let mut count = 0usize;
    let mut decimals = 0usize;
    let mut seen_point = false;
    let mut fast = !digits.is_empty() && digits.len() <= 17;
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
                if seen_point {
                    decimals += 1;
                }
            }
            b'.' if !seen_point => seen_point = true,
            _ => {
                fast = false;
                break;
            }
        }
    }
    if fast && count > 0 && count <= 15 && decimals < POW10.len() {
        let value = mantissa as f64 / POW10[decimals];
        return Some(if negative { -value } else { value });
    }
    std::str::from_utf8(cell)
        .ok()
        .and_then(|text| text.parse::<f64>().ok())
        .filter(|v| v.is_finite())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn data(text: &str) -> Dataset {
        Dataset::from_csv(text.as_bytes().to_vec()).expect("valid csv")
    }

    #[test]
    fn quoted_and_plain_cells_are_read_with_missing_values() {
        let d = data("\u{feff}\"a\",b,c\r\n\"x,1\", 2 ,\n\"he said \"\"hi\"\"\",,3\n");
        assert_eq!(d.headers(), ["a", "b", "c"]);
        assert_eq!(d.rows(), 2);
        let a = d.categories("a").expect("a");
        assert_eq!(a.values, ["x,1", "he said \"hi\""]);
        let b = d.numbers("b").expect("b");
        assert_eq!(b[0], 2.0);
        assert!(b[1].is_nan());
        let c = d.numbers("c").expect("c");
        assert!(c[0].is_nan());
        assert_eq!(c[1], 3.0);
    }

    #[test]
    fn problems_name_the_line_and_column() {
        let cases = [
            ("", "empty"),
            ("a,b\n1\n", "line 2: 1 fields, but the header has 2"),
            ("a,a\n1,2\n", "column `a` appears twice"),
            ("a,b\n\"1,2\n", "line 2: a quoted value is not closed"),
            ("a,b\n\"1\"x,2\n", "line 2: text after a closing quote"),
        ];
        for (text, expected) in cases {
            let err = Dataset::from_csv(text.as_bytes().to_vec()).expect_err(text);
            assert!(err.0.contains(expected), "{text:?}: {err}");
        }
        let d = data("a,b\n1,2\nx,3\n");
        let err = d.numbers("a").expect_err("x");
        assert_eq!(err.0, "line 3: column `a`: `x` is not a number");
        let err = d.numbers("nope").expect_err("unknown");
        assert!(
            err.0
                .starts_with("unknown column `nope`; the data has: a, b"),
            "{err}"
        );
    }

    #[test]
    fn a_header_without_rows_gives_empty_columns() {
        let d = data("a,b\n");
        assert_eq!(d.rows(), 0);
        assert!(d.numbers("a").expect("a").is_empty());
        assert!(d.categories("b").expect("b").codes.is_empty());
    }

    #[test]
    fn a_file_without_a_final_newline_keeps_its_last_row() {
        let d = data("a\n1\n2");
        assert_eq!(*d.numbers("a").expect("a"), [1.0, 2.0]);
    }

    #[test]
    fn the_fast_number_path_agrees_with_the_standard_parser() {
        let cases = [
            "0",
            "1",
            "-2.5",
            "3.14159",
            "1.66666666666667",
            "53.8450184501845",
            "0.1",
            "+7",
            "123456789012345",
            "1234567890123456789",
            "1e3",
            "-0.000001",
            ".5",
            "5.",
        ];
        for case in cases {
            let expected: f64 = case.parse().expect(case);
            assert_eq!(parse_number(case.as_bytes()), Some(expected), "{case}");
        }
        for bad in ["", "-", ".", "1.2.3", "abc", "1,5", "inf", "NaN"] {
            assert_eq!(parse_number(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn a_large_file_parses_the_same_in_two_halves_even_with_quoted_newlines() {
        let mut text = String::from("id,note,v\n");
        for i in 0..400_000 {
            if i % 1000 == 7 {
                text.push_str(&format!("{i},\"two\nlines, \"\"quoted\"\"\",{}\n", i % 3));
            } else {
                text.push_str(&format!("{i},plain,{}\n", i % 3));
            }
        }
        assert!(text.len() >= PARALLEL_FROM);
        let d = data(&text);
        assert_eq!(d.rows(), 400_000);
        let notes = d.categories("note").expect("notes");
        assert_eq!(notes.values, ["plain", "two\nlines, \"quoted\""]);
        let ids = d.numbers("id").expect("ids");
        assert!(ids.iter().enumerate().all(|(i, &v)| v == i as f64));
    }
}
