//! Aggregates over a section, grouped by a text field or by the tags of a tags field. Every
//! expected number is worked out by hand in the comments.

mod support;

use cardbase_engine::{Aggregate, AggregateFn, Error, FieldType, StatsQuery, StatsRow, Value, schema::FieldSpec};
use support::*;

/// Five client organizations:
///
/// | name   | city   | employees | deal_amount | labels        |
/// |--------|--------|-----------|-------------|---------------|
/// | Acme   | Berlin | 10        | 100.00      | eu, wholesale |
/// | Bolt   | Berlin | 20        | 200.00      | eu            |
/// | Cobalt | Berlin | 30        | 300.00      |               |
/// | Dune   | Paris  | 5         | 12.50       | wholesale     |
/// | Echo   |        |           |             | eu            |
fn clients() -> TestVault {
    let mut v = client_base();
    v.add_field(
        "organizations",
        &FieldSpec::new("employees", "Employees", FieldType::Number),
    )
    .unwrap();
    v.add_field("organizations", &FieldSpec::new("labels", "Labels", FieldType::Tags))
        .unwrap();
    for [name, city, employees, deal, labels] in [
        ["Acme", "Berlin", "10", "100", "eu, wholesale"],
        ["Bolt", "Berlin", "20", "200", "eu"],
        ["Cobalt", "Berlin", "30", "300", ""],
        ["Dune", "Paris", "5", "12.50", "wholesale"],
        ["Echo", "", "", "", "eu"],
    ] {
        add(
            &mut v,
            "organizations",
            &[
                ("name", name),
                ("city", city),
                ("employees", employees),
                ("deal_amount", deal),
                ("labels", labels),
            ],
        );
    }
    v
}

const FUNCS: [AggregateFn; 8] = [
    AggregateFn::Count,
    AggregateFn::Sum,
    AggregateFn::Avg,
    AggregateFn::Min,
    AggregateFn::Max,
    AggregateFn::Product,
    AggregateFn::Stdev,
    AggregateFn::Variance,
];

/// Every aggregate of `field`, grouped by `group_by`.
fn all_of(v: &TestVault, field: &str, group_by: Option<&str>) -> Vec<StatsRow> {
    v.stats(&StatsQuery {
        section: "organizations".into(),
        group_by: group_by.map(str::to_string),
        aggregates: FUNCS
            .iter()
            .map(|&func| Aggregate {
                func,
                field: field.into(),
            })
            .collect(),
        ..StatsQuery::default()
    })
    .unwrap()
}

fn n(x: f64) -> Option<Value> {
    Some(Value::Number(x))
}

fn usd(cents: i64) -> Option<Value> {
    Some(Value::Money {
        cents,
        currency: "USD".into(),
    })
}

fn row(group: Option<&str>, count: i64, values: Vec<Option<Value>>) -> StatsRow {
    StatsRow {
        group: group.map(str::to_string),
        count,
        values,
    }
}

#[test]
fn numbers_aggregate_per_city_with_the_empty_city_last() {
    let v = clients();

    let rows = all_of(&v, "employees", Some("city"));

    assert_eq!(
        rows,
        [
            // 10, 20, 30: sum 60, mean 20, product 6000,
            // sample variance ((10-20)² + 0² + (30-20)²) / (3-1) = 100, stdev 10.
            row(
                Some("Berlin"),
                3,
                vec![n(3.0), n(60.0), n(20.0), n(10.0), n(30.0), n(6000.0), n(10.0), n(100.0)]
            ),
            // A single value: no sample deviation.
            row(
                Some("Paris"),
                1,
                vec![n(1.0), n(5.0), n(5.0), n(5.0), n(5.0), n(5.0), None, None]
            ),
            // Echo has no city and no employees: counted, nothing to add up.
            row(None, 1, vec![n(0.0), None, None, None, None, None, None, None]),
        ]
    );
}

#[test]
fn money_aggregates_in_its_currency_per_city() {
    let v = clients();

    let rows = all_of(&v, "deal_amount", Some("city"));

    assert_eq!(
        rows,
        [
            // 100, 200, 300 USD: sum 600, mean 200, min 100, max 300; stdev 100 USD;
            // the product (6 000 000) and variance (10 000) are plain numbers, not money.
            row(
                Some("Berlin"),
                3,
                vec![
                    n(3.0),
                    usd(60_000),
                    usd(20_000),
                    usd(10_000),
                    usd(30_000),
                    n(6_000_000.0),
                    usd(10_000),
                    n(10_000.0)
                ]
            ),
            row(
                Some("Paris"),
                1,
                vec![n(1.0), usd(1250), usd(1250), usd(1250), usd(1250), n(12.5), None, None]
            ),
            row(None, 1, vec![n(0.0), None, None, None, None, None, None, None]),
        ]
    );
}

#[test]
fn grouping_by_tags_counts_a_record_in_each_of_its_tags_and_untagged_ones_apart() {
    let v = clients();

    let rows = all_of(&v, "employees", Some("labels"));

    assert_eq!(
        rows,
        [
            // eu: Acme 10, Bolt 20, Echo (none). Sum 30, mean 15, product 200,
            // variance ((10-15)² + (20-15)²) / 1 = 50.
            row(
                Some("eu"),
                3,
                vec![
                    n(2.0),
                    n(30.0),
                    n(15.0),
                    n(10.0),
                    n(20.0),
                    n(200.0),
                    n(50f64.sqrt()),
                    n(50.0)
                ]
            ),
            // wholesale: Acme 10, Dune 5. Sum 15, mean 7.5, product 50,
            // variance ((10-7.5)² + (5-7.5)²) / 1 = 12.5.
            row(
                Some("wholesale"),
                2,
                vec![
                    n(2.0),
                    n(15.0),
                    n(7.5),
                    n(5.0),
                    n(10.0),
                    n(50.0),
                    n(12.5f64.sqrt()),
                    n(12.5)
                ]
            ),
            // No tags: Cobalt 30.
            row(
                None,
                1,
                vec![n(1.0), n(30.0), n(30.0), n(30.0), n(30.0), n(30.0), None, None]
            ),
        ]
    );
    let counted: i64 = rows.iter().map(|r| r.count).sum();
    assert_eq!(counted, 6, "five records, Acme counted under both of its tags");
}

#[test]
fn without_grouping_one_row_covers_every_live_record() {
    let mut v = clients();
    let gone = add(&mut v, "organizations", &[("name", "Gone"), ("employees", "1000")]);
    v.delete_record(gone).unwrap();

    let rows = all_of(&v, "employees", None);

    // 10, 20, 30, 5: sum 65, mean 16.25, product 30 000; squared deviations from the mean
    // 39.0625 + 14.0625 + 189.0625 + 126.5625 = 368.75, so the sample variance is 368.75 / 3.
    assert_eq!(
        rows,
        [row(
            None,
            5,
            vec![
                n(4.0),
                n(65.0),
                n(16.25),
                n(5.0),
                n(30.0),
                n(30_000.0),
                n((368.75f64 / 3.0).sqrt()),
                n(368.75 / 3.0)
            ]
        )],
        "the deleted record is left out"
    );
}

#[test]
fn aggregates_follow_filters_and_quick_search() {
    let v = clients();
    let sum = |q: StatsQuery| v.stats(&q).unwrap()[0].values[0].clone();
    let base = || StatsQuery {
        section: "organizations".into(),
        aggregates: vec!["sum:employees".parse().unwrap()],
        ..StatsQuery::default()
    };

    let filtered = StatsQuery {
        filters: vec![cardbase_engine::query::parse_filter("city = berlin AND employees > 10").unwrap()],
        ..base()
    };
    assert_eq!(sum(filtered), n(50.0));
    let searched = StatsQuery {
        search: Some("paris".into()),
        ..base()
    };
    assert_eq!(sum(searched), n(5.0));
}

#[test]
fn aggregates_read_from_text() {
    let a: Aggregate = "avg:deal_amount".parse().unwrap();
    assert_eq!((a.func, a.field.as_str()), (AggregateFn::Avg, "deal_amount"));
    let a: Aggregate = "stddev:employees".parse().unwrap();
    assert_eq!(a.func, AggregateFn::Stdev);
    assert!(matches!("median:employees".parse::<Aggregate>(), Err(Error::Query(_))));
    assert!(matches!("employees".parse::<Aggregate>(), Err(Error::Query(_))));
}

#[test]
fn sums_of_text_and_grouping_by_a_list_are_refused() {
    let v = clients();
    let q = |group_by: Option<&str>, agg: &str| StatsQuery {
        section: "organizations".into(),
        group_by: group_by.map(str::to_string),
        aggregates: vec![agg.parse().unwrap()],
        ..StatsQuery::default()
    };
    assert!(matches!(v.stats(&q(None, "sum:city")), Err(Error::Query(_))));
    assert!(matches!(
        v.stats(&q(Some("phones"), "count:name")),
        Err(Error::Query(_))
    ));
    assert!(matches!(
        v.stats(&q(Some("colour"), "count:name")),
        Err(Error::NoField { .. })
    ));
    let counted = v.stats(&q(Some("city"), "count:city")).unwrap();
    assert_eq!(counted[0].values[0], n(3.0), "counting text is fine");
}

#[test]
fn grouping_by_money_names_each_group_with_its_currency() {
    let v = clients();
    let q = StatsQuery {
        section: "organizations".into(),
        group_by: Some("deal_amount".into()),
        aggregates: vec!["count:name".parse().unwrap()],
        ..StatsQuery::default()
    };

    let groups: Vec<Option<String>> = v.stats(&q).unwrap().into_iter().map(|r| r.group).collect();

    assert_eq!(
        groups,
        [
            Some("12.50 USD".to_string()),
            Some("100.00 USD".to_string()),
            Some("200.00 USD".to_string()),
            Some("300.00 USD".to_string()),
            None
        ]
    );
}
