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
