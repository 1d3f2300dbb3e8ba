//! The resource-style surface over loopback (wiremock): handles named after the paths
//! (`client.widgets().retrieve(..)`) reach the same requests as the operationId methods, a
//! range filter is one `RangeQuery` sent in Stripe's bracket form, and a params union takes its
//! variants' values through `From`.

use serde_json::json;
use stripe_shapes::{
    Client, RangeQuery, WidgetCreateParamsOwner, WidgetCreateParamsOwnerObject, WidgetListParams,
    WidgetRetrieveParams,
};
use wiremock::matchers::{method, path, query_param, query_param_is_missing};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_shapes")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("a client")
}

fn widget_json(id: &str) -> serde_json::Value {
    json!({"id": id, "object": "widget", "created": 1_700_000_000, "description": null})
}

#[tokio::test]
async fn handles_call_the_operations_of_their_paths() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets/wd_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(widget_json("wd_1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("DELETE"))
        .and(path("/v1/widgets/wd_1"))
        .respond_with(
            ResponseTemplate::new(200)
                .set_body_json(json!({"id": "wd_1", "object": "widget", "deleted": true})),
        )
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let widgets = client.widgets();
    let widget = widgets.retrieve("wd_1").await.expect("retrieved");
    assert_eq!(widget.id, "wd_1");
    let deleted = widgets.delete("wd_1").await.expect("deleted");
    assert!(deleted.deleted);
}

/// A method whose params are all optional is called with its ids alone, which sends none of
/// them, and `<method>_with` sends the params given.
#[tokio::test]
async fn ids_alone_send_no_params_and_with_sends_them() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets/wd_1"))
        .and(query_param("expand[0]", "owner"))
        .respond_with(ResponseTemplate::new(200).set_body_json(widget_json("wd_1")))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets"))
        .and(query_param_is_missing("limit"))
        .respond_with(ResponseTemplate::new(200).set_body_json(
            json!({"object": "list", "data": [], "has_more": false, "url": "/v1/widgets"}),
        ))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let expanded = WidgetRetrieveParams {
        expand: Some(vec!["owner".to_owned()]),
        ..Default::default()
    };
    let widget = client
        .widgets()
        .retrieve_with("wd_1", &expanded)
        .await
        .expect("retrieved");
    assert_eq!(widget.id, "wd_1");
    let page = client.widgets().list().await.expect("listed");
    assert!(page.data.is_empty());
    let received = server.received_requests().await.unwrap_or_default();
    let list = received
        .iter()
        .find(|request| request.url.path() == "/v1/widgets")
        .expect("the list request");
    assert_eq!(
        list.url.query(),
        None,
        "no params were given, so none are sent"
    );
}

#[tokio::test]
async fn a_range_filter_is_sent_as_bounds_or_as_one_value() {
    let server = MockServer::start().await;
    let page = json!({"object": "list", "data": [widget_json("wd_1")], "has_more": false, "url": "/v1/widgets"});
    Mock::given(method("GET"))
        .and(path("/v1/widgets"))
        .and(query_param("created[gte]", "100"))
        .and(query_param("created[lt]", "200"))
        .and(query_param_is_missing("created[gt]"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page.clone()))
        .expect(1)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets"))
        .and(query_param("created", "150"))
        .respond_with(ResponseTemplate::new(200).set_body_json(page))
        .expect(1)
        .mount(&server)
        .await;
    let client = client(&server);
    let between = WidgetListParams {
        created: Some(RangeQuery::between(100, 200)),
        ..Default::default()
    };
    let all = client
        .widgets()
        .list_stream_with(&between)
        .collect_all()
        .await
        .expect("listed");
    assert_eq!(all.len(), 1);
    let exactly = WidgetListParams {
        created: Some(150.into()),
        ..Default::default()
    };
    client.widgets().list_with(&exactly).await.expect("listed");
}

#[test]
fn range_queries_combine_bounds() {
    assert_eq!(
        RangeQuery::gte(1).and_lte(5),
        RangeQuery::Bounds {
            gt: None,
            gte: Some(1),
            lt: None,
            lte: Some(5)
        }
    );
    assert_eq!(RangeQuery::from(7), RangeQuery::Equal(7));
    // An exact value given a bound becomes the bounds that hold it.
    assert_eq!(
        RangeQuery::Equal(7).and_lt(9),
        RangeQuery::Bounds {
            gt: None,
            gte: Some(7),
            lt: Some(9),
            lte: Some(7)
        }
    );
}

#[test]
fn a_params_union_takes_its_variants_values_through_from() {
    let by_id: WidgetCreateParamsOwner = "own_1".to_owned().into();
    assert!(matches!(by_id, WidgetCreateParamsOwner::String(ref id) if id == "own_1"));
    let object = WidgetCreateParamsOwnerObject {
        email: Some("owner@example.com".to_owned()),
    };
    let inline: WidgetCreateParamsOwner = object.clone().into();
    assert_eq!(inline, WidgetCreateParamsOwner::Object(Box::new(object)));
}
