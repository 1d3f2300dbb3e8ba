//! The streams of paginated operations as a program uses them, over loopback (wiremock): read
//! with `next()` without pinning or imports, adapted through the SDK's re-exported traits,
//! collected whole, moved into a task, and iterated by the blocking client.

use serde_json::json;
use stripe_shapes::{Client, Error, ListStream, Widget, WidgetListParams, WidgetSearchParams};
use wiremock::matchers::{method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(uri: &str) -> Client {
    Client::builder("sk_test_shapes")
        .base_url(uri)
        .max_retries(0)
        .build()
        .expect("a client")
}

fn widget_json(id: &str) -> serde_json::Value {
    json!({ "id": id, "object": "widget", "created": 1_700_000_000, "description": null })
}

fn page(ids: &[&str], has_more: bool) -> ResponseTemplate {
    ResponseTemplate::new(200).set_body_json(json!({
        "object": "list", "url": "/v1/widgets", "has_more": has_more,
        "data": ids.iter().map(|id| widget_json(id)).collect::<Vec<_>>(),
    }))
}

/// Three widgets on two pages: `wid_1` and `wid_2`, then `wid_3` after `wid_2`; or, with
/// `fail`, a 500 in place of the second page.
async fn two_pages(fail: bool) -> MockServer {
    let server = MockServer::start().await;
    let second = if fail {
        ResponseTemplate::new(500)
            .insert_header("Request-Id", "req_page_2")
            .set_body_json(json!({"error": {"type": "api_error", "message": "down"}}))
    } else {
        page(&["wid_3"], false)
    };
    Mock::given(method("GET"))
        .and(path("/v1/widgets"))
        .and(query_param("starting_after", "wid_2"))
        .respond_with(second)
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets"))
        .respond_with(page(&["wid_1", "wid_2"], true))
        .mount(&server)
        .await;
    server
}

async fn requests(server: &MockServer) -> usize {
    server.received_requests().await.unwrap_or_default().len()
}

#[tokio::test]
async fn next_reads_a_stream_without_pinning_and_fetches_pages_as_they_are_reached() {
    let server = two_pages(false).await;
    let mut stream = client(&server.uri()).get_widgets_stream(&WidgetListParams::default());
    assert_eq!(
        requests(&server).await,
        0,
        "nothing is sent before it is read"
    );
    let mut ids = Vec::new();
    while let Some(widget) = stream.next().await {
        ids.push(widget.expect("every page decodes").id);
        if ids.len() == 1 {
            assert_eq!(requests(&server).await, 1, "one page at a time");
        }
    }
    assert_eq!(ids, ["wid_1", "wid_2", "wid_3"]);
    assert_eq!(requests(&server).await, 2);
    assert!(stream.next().await.is_none(), "it stays finished");
}

#[tokio::test]
async fn the_prelude_brings_the_adapters_and_take_stops_fetching_early() {
    use stripe_shapes::prelude::*;

    let server = two_pages(false).await;
    let ids: Vec<String> = client(&server.uri())
        .get_widgets_stream(&WidgetListParams::default())
        .take(2)
        .map_ok(|widget| widget.id)
        .try_collect()
        .await
        .expect("the first page decodes");
    assert_eq!(ids, ["wid_1", "wid_2"]);
    assert_eq!(
        requests(&server).await,
        1,
        "the second page is never needed"
    );
}

#[tokio::test]
async fn collect_all_gathers_every_page_or_returns_the_error_of_the_page_that_failed() {
    let server = two_pages(false).await;
    let all = client(&server.uri())
        .get_widgets_stream(&WidgetListParams::default())
        .collect_all()
        .await
        .expect("both pages decode");
    let ids: Vec<&str> = all.iter().map(|widget| widget.id.as_str()).collect();
    assert_eq!(ids, ["wid_1", "wid_2", "wid_3"]);

    let server = two_pages(true).await;
    let error = client(&server.uri())
        .get_widgets_stream(&WidgetListParams::default())
        .collect_all()
        .await
        .expect_err("the second page fails");
    assert_eq!(error.status().map(|status| status.as_u16()), Some(500));
    assert_eq!(error.request_id(), Some("req_page_2"));
}

#[tokio::test]
async fn a_stream_is_send_and_static_so_a_task_can_own_it() {
    let server = two_pages(false).await;
    // The client and params are gone before the task reads the stream.
    let stream: ListStream<Widget> = {
        let client = client(&server.uri());
        client.get_widgets_stream(&WidgetListParams::default())
    };
    let task = tokio::spawn(stream.collect_all());
    let all: Result<Vec<Widget>, Error> = task.await.expect("the task finishes");
    assert_eq!(all.expect("both pages decode").len(), 3);
}

#[tokio::test]
async fn a_search_stream_sends_the_next_page_cursor() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets/search"))
        .and(query_param("page", "p2"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "search_result", "url": "/v1/widgets/search", "has_more": false,
            "next_page": null, "data": [widget_json("wid_2")],
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets/search"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "search_result", "url": "/v1/widgets/search", "has_more": true,
            "next_page": "p2", "data": [widget_json("wid_1")],
        })))
        .mount(&server)
        .await;
    let params = WidgetSearchParams {
        query: "color:'red'".to_owned(),
        page: None,
    };
    let all = client(&server.uri())
        .get_widgets_search_stream(&params)
        .collect_all()
        .await
        .expect("both pages decode");
    let ids: Vec<&str> = all.iter().map(|widget| widget.id.as_str()).collect();
    assert_eq!(ids, ["wid_1", "wid_2"]);
}

#[cfg(feature = "blocking")]
#[test]
fn the_blocking_iterator_collects_every_page() {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("a runtime for the server");
    let server = runtime.block_on(two_pages(false));
    let client = stripe_shapes::blocking::Client::builder("sk_test_shapes")
        .base_url(server.uri())
        .max_retries(0)
        .build_blocking()
        .expect("a blocking client");
    let all = client
        .get_widgets_iter(&WidgetListParams::default())
        .collect_all()
        .expect("both pages decode");
    assert_eq!(all.len(), 3);
    let first: Vec<String> = client
        .get_widgets_iter(&WidgetListParams::default())
        .take(1)
        .map(|widget| widget.map(|widget| widget.id))
        .collect::<Result<_, _>>()
        .expect("the first page decodes");
    assert_eq!(first, ["wid_1"]);
}
