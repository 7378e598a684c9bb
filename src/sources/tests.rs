use super::*;

fn districts() -> Vec<String> {
    ["Centrum", "Sjöviken", "Norra"].map(str::to_owned).to_vec()
}

const KOLADA: &str = r#"{
  "values": [
    {"kpi": "N07540", "period": 2024, "municipality": "1481",
     "values": [{"gender": "T", "value": 8123.4, "count": 1, "status": ""}]},
    {"kpi": "N07540", "period": 2024, "municipality": "0000",
     "values": [{"gender": "T", "value": 13456.0}]},
    {"kpi": "N07403", "period": "2023", "municipality": "1481",
     "values": [{"gender": "T", "value": null}, {"gender": "K", "value": 512.5}, {"gender": "M", "value": 901}]}
  ],
  "next_url": "https://api.kolada.se/v3/data/kpi/N07540/year/2024?page=2"
}"#;

#[test]
fn a_kolada_answer_is_read_with_its_missing_values_and_next_page() {
    let p = read(KOLADA.as_bytes(), &[]).expect("read");
    assert_eq!(p.source, Source::Kolada);
    assert_eq!(p.missing, 1, "the null total is counted, not stored");
    assert_eq!(p.observations.len(), 4);
    assert_eq!(
        p.observations[1],
        Observation {
            measure: "kolada/N07540".into(),
            area: "0000".into(),
            period: "2024".into(),
            value: 13456.0
        }
    );
    assert_eq!(p.observations[2].measure, "kolada/N07403/K");
    assert_eq!(p.observations[3].value, 901.0);
    assert_eq!(
        p.next_url.as_deref(),
        Some("https://api.kolada.se/v3/data/kpi/N07540/year/2024?page=2")
    );
    let total = p
        .measures
        .iter()
        .find(|m| m.id == "kolada/N07540")
        .expect("measure");
    assert_eq!(total.title, "Anmälda brott totalt, antal/100 000 inv");
}

#[test]
fn a_broken_kolada_answer_names_the_place() {
    let broken = KOLADA.replace("\"value\": 901", "\"value\": \"många\"");
    let e = read(broken.as_bytes(), &[]).expect_err("refused");
    assert_eq!(
        e.to_string(),
        "values[2].values[2].value: the value is not a number"
    );
    let broken = KOLADA.replace("\"period\": \"2023\"", "\"period\": \"förra året\"");
    let e = read(broken.as_bytes(), &[]).expect_err("refused");
    assert_eq!(e.place, "values[2].period");
    let e = read(b"{\"values\": [", &[]).expect_err("refused");
    assert!(
        e.to_string().starts_with("line 1, column 12: not JSON"),
        "{e}"
    );
    // The parser's error is kept as the source, and says nothing the message does not.
    let cause = std::error::Error::source(&e).expect("the JSON error");
    assert!(e.to_string().contains(&cause.to_string()), "{e} / {cause}");
    assert_eq!(e, SourceError::at(e.place.clone(), e.message.clone()));
}

/// Population by region, age and sex over two years, with the age dimension's `index` keys
/// written out of position order (as PxWeb may) and one value missing.
const JSONSTAT: &str = r#"{
  "version": "2.0", "class": "dataset", "label": "Folkmängd efter region, ålder, kön och år",
  "id": ["Region", "Alder", "Kon", "ContentsCode", "Tid"],
  "size": [1, 2, 2, 1, 2],
  "role": {"geo": ["Region"], "time": ["Tid"], "metric": ["ContentsCode"]},
  "dimension": {
    "Region": {"label": "region", "category": {"index": {"1481": 0}, "label": {"1481": "Mölndal"}}},
    "Alder": {"label": "ålder", "category": {"index": {"65+": 1, "16-29": 0}, "label": {"16-29": "16–29 år", "65+": "65+ år"}}},
    "Kon": {"label": "kön", "category": {"index": ["1", "2"], "label": {"1": "män", "2": "kvinnor"}}},
    "ContentsCode": {"label": "tabellinnehåll", "category": {"index": {"BE0101N1": 0}, "label": {"BE0101N1": "Folkmängd"}}},
    "Tid": {"label": "år", "category": {"index": {"2023": 0, "2024": 1}}}
  },
  "value": [100, 101, 110, 111, 200, null, 210, 211]
}"#;

#[test]
fn json_stat_is_read_by_position_whatever_the_order_of_its_index_keys() {
    let p = read(JSONSTAT.as_bytes(), &[]).expect("read");
    assert_eq!(p.source, Source::Scb);
    assert_eq!(p.missing, 1);
    assert_eq!(p.rows, 8);
    let value = |measure: &str, period: &str| {
        p.observations
            .iter()
            .find(|o| o.measure == measure && o.period == period)
            .map(|o| o.value)
    };
    // Position 0 of Alder is 16-29 though its key comes second.
    assert_eq!(value("scb/BE0101N1/Alder=16-29/Kon=1", "2023"), Some(100.0));
    assert_eq!(value("scb/BE0101N1/Alder=16-29/Kon=2", "2024"), Some(111.0));
    assert_eq!(value("scb/BE0101N1/Alder=65+/Kon=1", "2024"), None, "null");
    assert_eq!(value("scb/BE0101N1/Alder=65+/Kon=2", "2024"), Some(211.0));
    assert!(p.observations.iter().all(|o| o.area == "1481"));
    let m = p
        .measures
        .iter()
        .find(|m| m.id == "scb/BE0101N1/Alder=65+/Kon=2")
        .expect("measure");
    assert_eq!(m.title, "Folkmängd, 65+ år, kvinnor");
    let short = JSONSTAT.replace("200, null, 210, 211", "200, null, 210");
    assert_eq!(
        read(short.as_bytes(), &[])
            .expect_err("refused")
            .to_string(),
        "value: 7 values for 8 cells"
    );
}

#[test]
fn the_long_format_takes_swedish_numbers_and_names_the_bad_line() {
    let text = "\u{feff}measure;area;period;value;title;unit\n\
                bra/utsatt_misshandel;1481;2024;3,1;Utsatta för misshandel (NTU);procent\n\
                larm;Centrum;2025-07;1 042;Larm till polisen;antal\n";
    let p = read(text.as_bytes(), &districts()).expect("read");
    assert_eq!(p.source, Source::Series);
    assert_eq!(p.observations[0].value, 3.1);
    assert_eq!(p.observations[1].measure, "series/larm");
    assert_eq!(p.observations[1].value, 1042.0);
    assert_eq!(p.measures[0].title, "Utsatta för misshandel (NTU)");
    let bad = text.replace("2025-07", "juli");
    assert_eq!(
        read(bad.as_bytes(), &[]).expect_err("refused").to_string(),
        "line 3: the period \"juli\" is not a year (2024) or a month (2024-07)"
    );
    let crlf = bad.replace('\n', "\r\n");
    assert!(
        read(crlf.as_bytes(), &[])
            .expect_err("refused")
            .to_string()
            .starts_with("line 3: "),
        "CRLF lines are counted alike"
    );
    let comma = "measure,area,period,value\nx/y,1481,2024,12.5\n";
    assert_eq!(
        read(comma.as_bytes(), &[]).expect("read").observations[0].value,
        12.5
    );
}

#[test]
fn fault_reports_are_counted_per_category_district_and_month_and_free_text_is_dropped() {
    let text = "\u{feff}Ärende-ID;Datum;Ärendetyp;Stadsdel;Beskrivning\r\n\
                1;2024-07-03 14:22;Klotter;centrum;Anna Andersson ringde om taggar\r\n\
                2;2024-07-19;Klotter;Centrum;\"Klotter på skolan; igen\"\r\n\
                3;2024-08-01;Trasig belysning;Sjöviken;\r\n\
                4;2024-08-02;Trasig belysning;Västra;\r\n\
                5;2024-08-02;Klotter;;\r\n";
    let p = read(text.as_bytes(), &districts()).expect("read");
    assert_eq!(p.source, Source::FaultReports);
    assert_eq!(p.rows, 5);
    let count = |measure: &str, area: &str, period: &str| {
        p.observations
            .iter()
            .find(|o| o.measure == measure && o.area == area && o.period == period)
            .map(|o| o.value)
    };
    assert_eq!(count("felanmalan/klotter", "Centrum", "2024-07"), Some(2.0));
    assert_eq!(
        count("felanmalan/trasig-belysning", "Sjöviken", "2024-08"),
        Some(1.0)
    );
    assert_eq!(
        count("felanmalan/klotter", faults::NO_DISTRICT, "2024-08"),
        Some(1.0)
    );
    assert_eq!(p.unknown_areas, ["Västra"]);
    // Nothing of the description is kept anywhere.
    let all = format!("{p:?}");
    assert!(!all.contains("Anna") && !all.contains("skolan"), "{all}");
    let bad = text.replace("2024-08-01", "första augusti");
    assert_eq!(
        read(bad.as_bytes(), &districts())
            .expect_err("refused")
            .to_string(),
        "line 4: the date \"första augusti\" is not a date (2024-07-03)"
    );
    let unknown = "namn,adress\nA,B\n";
    let e = read(unknown.as_bytes(), &[]).expect_err("refused");
    assert!(
        e.to_string().starts_with("line 1: not a file trygg knows"),
        "{e}"
    );
}

#[test]
fn dates_are_read_as_exports_write_them() {
    for (date, month) in [
        ("2024-07-03", "2024-07"),
        ("2024/12/31 23:59", "2024-12"),
        ("20240105", "2024-01"),
        ("3.7.2024", "2024-07"),
        ("03/11/2024", "2024-11"),
    ] {
        assert_eq!(faults::month(date).as_deref(), Some(month), "{date}");
    }
    for bad in ["2024-13-01", "igår", "", "7/2024"] {
        assert_eq!(faults::month(bad), None, "{bad}");
    }
}

/// A workbook whose first sheet is named `sheet` and filled by `fill`, and a second sheet that
/// must not be read, as bytes.
fn workbook(
    sheet: &str,
    fill: impl FnOnce(&mut rust_xlsxwriter::Worksheet) -> Result<(), rust_xlsxwriter::XlsxError>,
) -> Vec<u8> {
    let mut book = rust_xlsxwriter::Workbook::new();
    let first = book.add_worksheet();
    first.set_name(sheet).expect("name");
    fill(first).expect("cells");
    let other = book.add_worksheet();
    other.write_string(0, 0, "measure").expect("cell");
    other.write_string(1, 0, "not read").expect("cell");
    book.save_to_buffer().expect("workbook")
}

fn write_row(
    sheet: &mut rust_xlsxwriter::Worksheet,
    row: u32,
    cells: &[&str],
) -> Result<(), rust_xlsxwriter::XlsxError> {
    for (col, text) in cells.iter().enumerate() {
        if !text.is_empty() {
            sheet.write_string(row, col as u16, *text)?;
        }
    }
    Ok(())
}

/// The fault export of the CSV test above as a workbook: dates as date cells (one with a time),
/// as text, as a serial number whose format was lost, and day first; a blank row; an unknown
/// district; a free-text column that is never stored.
#[test]
fn an_xlsx_fault_export_is_read_like_its_csv_and_its_free_text_is_dropped() {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let bytes = workbook("Blad1", |s| {
        let day = Format::new().set_num_format("yyyy-mm-dd");
        let minute = Format::new().set_num_format("yyyy-mm-dd hh:mm");
        write_row(
            s,
            0,
            &["Ärende-ID", "Datum", "Ärendetyp", "Stadsdel", "Beskrivning"],
        )?;
        s.write_number(1, 0, 1)?;
        s.write_datetime_with_format(
            1,
            1,
            ExcelDateTime::from_ymd(2024, 7, 3)?.and_hms(14, 22, 0)?,
            &minute,
        )?;
        write_row(
            s,
            1,
            &[
                "",
                "",
                "Klotter",
                "centrum",
                "Anna Andersson ringde om taggar",
            ],
        )?;
        s.write_number(2, 0, 2)?;
        write_row(
            s,
            2,
            &[
                "",
                "2024-07-19",
                "Klotter",
                "Centrum",
                "Klotter på skolan; igen",
            ],
        )?;
        s.write_number(3, 0, 3)?;
        s.write_datetime_with_format(3, 1, ExcelDateTime::from_ymd(2024, 8, 1)?, &day)?;
        write_row(s, 3, &["", "", "Trasig belysning", "Sjöviken"])?;
        // 45506 is 2024-08-02, a date cell whose format was lost on the way.
        s.write_number(4, 0, 4)?;
        s.write_number(4, 1, 45506)?;
        write_row(s, 4, &["", "", "Trasig belysning", "Västra"])?;
        // Row 6 is blank; row 7 has a date written day first.
        write_row(s, 6, &["5", "02.08.2024", "Klotter"])?;
        Ok(())
    });
    let p = read(&bytes, &districts()).expect("read");
    assert_eq!(p.source, Source::FaultReports);
    assert_eq!(p.rows, 5);
    let csv = "Ärende-ID;Datum;Ärendetyp;Stadsdel;Beskrivning\n\
               1;2024-07-03 14:22;Klotter;centrum;Anna\n\
               2;2024-07-19;Klotter;Centrum;\n\
               3;2024-08-01;Trasig belysning;Sjöviken;\n\
               4;2024-08-02;Trasig belysning;Västra;\n\
               5;2024-08-02;Klotter;;\n";
    let same = read(csv.as_bytes(), &districts()).expect("read");
    assert_eq!(p.observations, same.observations);
    assert_eq!(p.measures, same.measures);
    assert_eq!(p.unknown_areas, ["Västra"]);
    assert!(
        p.observations
            .iter()
            .any(|o| o.measure == "felanmalan/klotter" && o.area == "Centrum" && o.value == 2.0)
    );
    let all = format!("{p:?}");
    assert!(
        !all.contains("Anna") && !all.contains("skolan") && !all.contains("not read"),
        "{all}"
    );

    // How far it has come: rows of the sheet, to its end.
    let big = workbook("Blad1", |s| {
        write_row(s, 0, &["datum", "kategori"])?;
        for row in 1..=5000 {
            write_row(s, row, &["2024-07-03", "Klotter"])?;
        }
        Ok(())
    });
    let mut calls = Vec::new();
    let p =
        read_with_progress(&big, &[], &mut |done, total| calls.push((done, total))).expect("read");
    assert_eq!(p.rows, 5000);
    assert_eq!(calls, [(4096, 5000), (5000, 5000)]);
}

#[test]
fn an_xlsx_long_format_takes_number_cells_and_a_month_typed_as_a_date() {
    use rust_xlsxwriter::{ExcelDateTime, Format};
    let bytes = workbook("Serier", |s| {
        write_row(
            s,
            0,
            &["Measure", "area", "period", "value", "title", "unit"],
        )?;
        write_row(s, 1, &["bra/utsatt_misshandel"])?;
        s.write_number(1, 1, 1481)?;
        s.write_number(1, 2, 2024)?;
        s.write_number(1, 3, 3.1)?;
        write_row(
            s,
            1,
            &["", "", "", "", "Utsatta för misshandel (NTU)", "procent"],
        )?;
        // Excel turns a typed 2025-07 into the date 2025-07-01.
        write_row(
            s,
            2,
            &["larm", "Centrum", "", "1 042", "Larm till polisen", "antal"],
        )?;
        let month = Format::new().set_num_format("yyyy-mm");
        s.write_datetime_with_format(2, 2, ExcelDateTime::from_ymd(2025, 7, 1)?, &month)?;
        Ok(())
    });
    let p = read(&bytes, &districts()).expect("read");
    assert_eq!(p.source, Source::Series);
    assert_eq!(
        p.observations,
        [
            Observation {
                measure: "bra/utsatt_misshandel".into(),
                area: "1481".into(),
                period: "2024".into(),
                value: 3.1
            },
            Observation {
                measure: "series/larm".into(),
                area: "Centrum".into(),
                period: "2025-07".into(),
                value: 1042.0
            }
        ]
    );
    assert_eq!(p.measures[0].title, "Utsatta för misshandel (NTU)");
    assert_eq!(p.measures[1].unit, "antal");
}

#[test]
fn a_broken_workbook_is_refused_with_its_sheet_and_row() {
    // A missing column, the header after two blank rows.
    let bytes = workbook("Blad1", |s| {
        write_row(s, 2, &["Datum", "Beskrivning"])?;
        write_row(s, 3, &["2024-07-03", "Klotter"])
    });
    let e = read(&bytes, &districts()).expect_err("refused");
    assert!(
        e.to_string()
            .starts_with("Blad1, row 3: not a file trygg knows: the header (datum, beskrivning) names no category column"),
        "{e}"
    );
    // A bad value, named by sheet and row.
    let bytes = workbook("Data", |s| {
        write_row(s, 0, &["measure", "area", "period", "value"])?;
        write_row(s, 1, &["x/y", "1481", "2024", "12"])?;
        write_row(s, 2, &["x/y", "1481", "2025", "många"])
    });
    assert_eq!(
        read(&bytes, &[]).expect_err("refused").to_string(),
        "Data, row 3: the value \"många\" is not a number"
    );
    let bytes = workbook("Blad1", |s| {
        write_row(s, 0, &["datum", "kategori"])?;
        write_row(s, 1, &["2024-07-03", "Klotter"])?;
        write_row(s, 3, &["första augusti", "Klotter"])
    });
    assert_eq!(
        read(&bytes, &[]).expect_err("refused").to_string(),
        "Blad1, row 4: the date \"första augusti\" is not a date (2024-07-03)"
    );
    let bytes = workbook("Blad1", |s| write_row(s, 0, &["datum", "kategori"]));
    assert_eq!(
        read(&bytes, &[]).expect_err("refused").to_string(),
        "Blad1, row 2: the file has a header but no reports"
    );
    let bytes = workbook("Blad1", |_| Ok(()));
    assert!(
        read(&bytes, &[])
            .expect_err("refused")
            .to_string()
            .starts_with("Blad1, row 1: the first sheet is empty"),
    );
    // Not a zip at all, and a workbook cut short: refused, no panic.
    let e = read(b"PK\x03\x04 and then no zip at all", &[]).expect_err("refused");
    assert!(
        e.to_string().starts_with(
            "the file starts as an XLSX workbook (a zip archive) but cannot be read as one"
        ),
        "{e}"
    );
    let whole = workbook("Blad1", |s| {
        write_row(s, 0, &["datum", "kategori"])?;
        write_row(s, 1, &["2024-07-03", "Klotter"])
    });
    for cut in [whole.len() / 4, whole.len() / 2, whole.len() - 30] {
        assert!(read(&whole[..cut], &[]).is_err(), "cut at {cut}");
    }
}
