//! Encodes and decodes through every construct of the shapes document, and calls each kind of
//! operation over loopback (wiremock): what the generator emits must not only compile but
//! behave.

use futures_util::StreamExt;
use serde_json::json;
use stripe_shapes::decode;
use stripe_shapes::{
    Client, Expandable, FileUpload, FilesCreateParams, FilesCreateParamsFileLinkData,
    FilesCreateParamsPurpose, ItemListParams, ItemListResponseItem, Unsettable, ViolationKind,
    Widget, WidgetCreateParams, WidgetCreateParamsColor, WidgetCreateParamsOwner,
    WidgetCreateParamsOwnerObject, WidgetCreateParamsParts, WidgetCreateParamsV3dSecure,
    WidgetListParams, WidgetMeasure, WidgetMeasureObject, WidgetOwner, WidgetRetrieveParams,
    WidgetRetrieveParamsCreated, WidgetSearchParams, WidgetStatus, WidgetTimezone,
    WidgetUpdateParams, WidgetUpdateParamsColor, WidgetUpdateParamsOwner, WidgetUpdateParamsParts,
};
use wiremock::matchers::{body_string, method, path, query_param};
use wiremock::{Mock, MockServer, ResponseTemplate};

fn client(server: &MockServer) -> Client {
    Client::builder("sk_test_shapes")
        .base_url(server.uri())
        .max_retries(0)
        .build()
        .expect("a client")
}

fn widget_json(id: &str) -> serde_json::Value {
    json!({
        "id": id,
        "object": "widget",
        "created": 1_700_000_000,
        "description": null,
    })
}

fn post_widgets_params() -> WidgetCreateParams {
    WidgetCreateParams {
        name: "g [x] & c".to_owned(),
        color: Some(WidgetCreateParamsColor::DarkBlue),
        parts: Some(vec![
            WidgetCreateParamsParts {
                sku: "a1".to_owned(),
                quantity: Some(2),
            },
            WidgetCreateParamsParts {
                sku: "b2".to_owned(),
                quantity: None,
            },
        ]),
        metadata: Some([("order".to_owned(), "6735".to_owned())].into()),
        type_: Some("spur".to_owned()),
        n3d_secure: Some(WidgetCreateParamsV3dSecure::Self_),
        description: Some(Unsettable::Unset),
        owner: Some(WidgetCreateParamsOwner::Object(Box::new(
            WidgetCreateParamsOwnerObject {
                email: Some("a@b.c".to_owned()),
            },
        ))),
    }
}

#[tokio::test]
async fn a_form_body_encodes_nested_objects_arrays_maps_keywords_and_unset() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/widgets"))
        .and(body_string(
            "name=g+[x]+%26+c&color=dark_blue&parts[0][sku]=a1&parts[0][quantity]=2\
             &parts[1][sku]=b2&metadata[order]=6735&type=spur&3d_secure=self&description=\
             &owner[email]=a%40b.c",
        ))
        .respond_with(ResponseTemplate::new(201).set_body_json(widget_json("wid_1")))
        .expect(1)
        .mount(&server)
        .await;
    let widget = client(&server)
        .post_widgets(&post_widgets_params())
        .await
        .expect("the widget is created");
    assert_eq!(widget.id, "wid_1");
}

/// Update's `parts` and `color` have create's shapes, so their names are aliases of create's
/// types: values built under either name are the same type, and encode and validate alike.
/// Update's `owner` allows one more character, so it stays a type of its own.
#[tokio::test]
async fn params_of_the_same_shape_share_one_type_under_both_names() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/widgets/wid_1"))
        .and(body_string(
            "color=red&parts[0][sku]=a1&parts[0][quantity]=2&owner[email]=a%40b.cd",
        ))
        .respond_with(ResponseTemplate::new(200).set_body_json(widget_json("wid_1")))
        .expect(1)
        .mount(&server)
        .await;
    let part: WidgetCreateParamsParts = WidgetUpdateParamsParts {
        sku: "a1".to_owned(),
        quantity: Some(2),
    };
    let params = WidgetUpdateParams {
        color: Some(WidgetUpdateParamsColor::Red),
        parts: Some(vec![part]),
        owner: Some(WidgetUpdateParamsOwner {
            email: Some("a@b.cd".to_owned()),
        }),
    };
    let widget = client(&server)
        .post_widgets_widget("wid_1", &params)
        .await
        .expect("six characters fit update's owner email");
    assert_eq!(widget.id, "wid_1");

    let mut too_long = params.clone();
    too_long.owner = Some(WidgetUpdateParamsOwner {
        email: Some("a@b.cde".to_owned()),
    });
    if let Some(parts) = &mut too_long.parts {
        parts[0].sku = "four".to_owned();
    }
    let error = too_long.validate().expect_err("seven characters do not");
    let paths: Vec<&str> = error
        .violations()
        .iter()
        .map(|violation| violation.path())
        .collect();
    assert_eq!(paths, ["parts[0][sku]", "owner[email]"]);
}

#[tokio::test]
async fn constraints_are_checked_before_sending() {
    let server = MockServer::start().await;
    let mut params = post_widgets_params();
    params.name = "x".repeat(11);
    if let Some(parts) = &mut params.parts {
        parts[1].sku = "four".to_owned();
    }
    params.description = Some(Unsettable::Value("d".repeat(51)));
    params.metadata = Some([("k".to_owned(), "v".repeat(501))].into());
    let error = client(&server)
        .post_widgets(&params)
        .await
        .expect_err("the params break four maxLengths");
    let invalid = error.invalid_params().expect("invalid params");
    let paths: Vec<&str> = invalid
        .violations()
        .iter()
        .map(|violation| violation.path())
        .collect();
    assert_eq!(
        paths,
        ["name", "parts[1][sku]", "metadata[k]", "description"]
    );
    assert_eq!(
        invalid
            .violation_at("name")
            .map(|violation| violation.kind()),
        Some(&ViolationKind::TooLong {
            max: 10,
            actual: 11
        })
    );
    assert!(
        server
            .received_requests()
            .await
            .unwrap_or_default()
            .is_empty()
    );
}

#[test]
fn params_with_required_fields_have_a_constructor_in_required_order() {
    let params = WidgetCreateParams {
        color: Some(WidgetCreateParamsColor::Red),
        ..WidgetCreateParams::new("gear")
    };
    assert_eq!(params.name, "gear");
    assert_eq!(params.parts, None);
    let upload = FilesCreateParams::new(
        FileUpload::new("a.pdf", b"%PDF".to_vec()),
        FilesCreateParamsPurpose::IdentityDocument,
    );
    assert_eq!(upload.attachments, None);
    assert_eq!(upload.file.filename, "a.pdf");
    let search = WidgetSearchParams::new("color:'red'");
    assert_eq!(search.query, "color:'red'");
    // Params without required fields keep `Default` instead.
    assert_eq!(WidgetListParams::default().limit, None);
}

#[cfg(feature = "deserialize")]
#[test]
fn params_refuse_unknown_fields_when_deserialized() {
    let error = serde_json::from_value::<WidgetCreateParams>(json!({"name": "n", "colour": "red"}))
        .expect_err("additionalProperties: false");
    assert!(
        error.to_string().contains("unknown field `colour`"),
        "{error}"
    );
}

#[test]
fn a_response_decodes_expandable_nullable_recursive_and_oddly_named_fields() {
    let widget: Widget = serde_json::from_value(json!({
        "id": "wid_1",
        "object": "widget",
        "created": 1_700_000_000,
        "description": null,
        "parent": widget_json("wid_0"),
        "status": "melted",
        "tags": {"a": "b"},
        "raw": {"any": [1, 2]},
        "owner": {"id": "own_1", "object": "owner", "deleted": true},
        "previous": {"id": "own_0", "object": "owner"},
        "self": true,
        "match": "m",
        "": "empty",
        "€": "euro",
        "größe": 3,
        "timezone": "*",
        "added_later": 1,
    }))
    .expect("the widget decodes");
    assert_eq!(widget.description, None);
    assert_eq!(
        widget.parent.as_ref().map(|parent| parent.id.as_str()),
        Some("wid_0")
    );
    assert_eq!(
        widget.status,
        Some(WidgetStatus::Unknown("melted".to_owned()))
    );
    // The expanded owner is decoded when asked for, once; its id is there either way.
    assert_eq!(widget.owner.as_ref().map(Expandable::id), Some("own_1"));
    assert!(matches!(
        widget.owner.as_ref().and_then(Expandable::as_object),
        Some(Ok(WidgetOwner::DeletedOwner(_)))
    ));
    assert!(matches!(
        widget.owner.as_ref().and_then(Expandable::object),
        Some(Ok(WidgetOwner::DeletedOwner(_)))
    ));
    assert_eq!(widget.self_, Some(true));
    assert_eq!(widget.match_.as_deref(), Some("m"));
    assert_eq!(widget.empty.as_deref(), Some("empty"));
    assert_eq!(widget.u20ac.as_deref(), Some("euro"));
    assert_eq!(widget.gr_e, Some(3));
    assert_eq!(widget.timezone, Some(WidgetTimezone::Asterisk));

    let unexpanded: Widget = serde_json::from_value(json!({
        "id": "wid_2", "object": "widget", "created": 1, "description": "d", "owner": "own_9"
    }))
    .expect("an unexpanded owner decodes");
    assert_eq!(unexpanded.owner.as_ref().map(Expandable::id), Some("own_9"));
}

#[test]
fn a_union_without_object_values_takes_the_first_shape_that_fits() {
    let measure = |value: serde_json::Value| {
        let text = json!({"id": "wid_1", "object": "widget", "created": 1, "description": null,
            "measure": value})
        .to_string();
        serde_json::from_str::<Widget>(&text)
            .expect("the widget decodes")
            .measure
    };
    assert_eq!(measure(json!(3)), Some(WidgetMeasure::Integer(3)));
    assert_eq!(
        measure(json!({"unit": "cm", "value": 4})),
        Some(WidgetMeasure::Object(Box::new(WidgetMeasureObject {
            unit: "cm".to_owned(),
            value: 4
        })))
    );
    // The object lacks `value`, so it fits no shape and is kept whole.
    assert_eq!(
        measure(json!({"unit": "cm"})),
        Some(WidgetMeasure::Unknown(json!({"unit": "cm"})))
    );
    assert_eq!(
        measure(json!("big")),
        Some(WidgetMeasure::Unknown(json!("big")))
    );
}

/// Responses are decoded from text as the client decodes them: keys with escapes, and the
/// errors serde's derive would give, at the JSON path of what is wrong.
#[test]
fn a_response_decoded_from_text_reads_escaped_keys_and_names_what_is_wrong() {
    let widget: Widget = decode::from_str(
        r#"{"\u0069d": "wid_1", "object": "widget", "created": 1, "description": "d",
            "\u00e9xtra": [1, {"a": null}], "timezone": "Etc/GMT\u002b0"}"#,
    )
    .expect("escaped keys and values decode");
    assert_eq!(widget.id, "wid_1");
    assert_eq!(widget.timezone, Some(WidgetTimezone::EtcGmt0));

    let missing =
        decode::from_str::<Widget>(r#"{"id": "wid_1", "object": "widget", "description": null}"#)
            .expect_err("`created` is required");
    assert_eq!(missing.message(), "missing field `created`");
    // A missing field belongs to the object that lacks it: here the top level.
    assert_eq!(
        missing.json_path(r#"{"id": "wid_1", "object": "widget", "description": null}"#),
        "."
    );
    let duplicate = decode::from_str::<Widget>(
        r#"{"id": "wid_1", "id": "wid_2", "object": "widget", "created": 1, "description": null}"#,
    )
    .expect_err("a repeated field is refused");
    assert_eq!(duplicate.message(), "duplicate field `id`");
    let wrong_type = decode::from_str::<Widget>(r#"[1, 2]"#).expect_err("not an object");
    assert_eq!(
        wrong_type.message(),
        "invalid type: sequence, expected struct Widget"
    );
    let text =
        r#"{"id": "wid_1", "object": "widget", "created": 1, "description": null, "status": 7}"#;
    let wrong_enum = decode::from_str::<Widget>(text).expect_err("an enum is a string");
    assert_eq!(
        wrong_enum.message(),
        "invalid type: integer `7`, expected enum WidgetStatus"
    );
    assert_eq!(wrong_enum.json_path(text), "status");
    assert_eq!(
        wrong_enum.located(text),
        "invalid type: integer `7`, expected enum WidgetStatus at line 1 column 82"
    );

    // serde's `Deserialize` reads through the same decoder and names the path in its message.
    let through_serde = serde_json::from_str::<Widget>(text).expect_err("an enum is a string");
    assert_eq!(
        through_serde.to_string(),
        "at `status`: invalid type: integer `7`, expected enum WidgetStatus"
    );
}

/// With the `serialize` feature, re-encoding a response keeps every declared field, the
/// explicit null included.
#[cfg(feature = "serialize")]
#[test]
fn a_response_re_encodes_without_losing_a_field() {
    let original = json!({
        "id": "wid_1",
        "object": "widget",
        "created": 1_700_000_000,
        "description": null,
        "owner": {"id": "own_1", "object": "owner", "deleted": true},
        "€": "euro",
        "timezone": "Etc/GMT-0",
        "status": "melted",
        // An absent nullable field comes back as an explicit `null`: no loss.
        "previous": null,
    });
    let widget: Widget = serde_json::from_value(original.clone()).expect("decodes");
    let encoded = serde_json::to_value(&widget).expect("encodes");
    assert_eq!(encoded, original);
}

#[tokio::test]
async fn a_path_parameter_is_escaped_and_query_params_are_sent() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets/wid%2F1"))
        .and(query_param("expand[0]", "owner"))
        .and(query_param("created[gt]", "5"))
        .respond_with(ResponseTemplate::new(200).set_body_json(widget_json("wid/1")))
        .expect(1)
        .mount(&server)
        .await;
    let params = WidgetRetrieveParams {
        expand: Some(vec!["owner".to_owned()]),
        created: Some(WidgetRetrieveParamsCreated {
            gt: Some(5),
            lte: None,
        }),
    };
    let widget = client(&server)
        .get_widgets_widget("wid/1", &params)
        .await
        .expect("the widget is fetched");
    assert_eq!(widget.id, "wid/1");
}

#[tokio::test]
async fn a_path_parameter_is_checked_at_its_max_length_before_sending() {
    let server = MockServer::start().await;
    Mock::given(method("DELETE"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "w", "object": "widget", "deleted": true
        })))
        .mount(&server)
        .await;
    let client = client(&server);
    let at_limit = "w".repeat(5000);
    let deleted = client.delete_widgets_widget(&at_limit).await;
    assert!(deleted.is_ok(), "{deleted:?}");
    let error = client
        .delete_widgets_widget(&"w".repeat(5001))
        .await
        .expect_err("5001 characters is one too many");
    let violation = error
        .invalid_params()
        .and_then(|invalid| invalid.violation_at("widget"))
        .map(|violation| violation.kind().clone());
    assert_eq!(
        violation,
        Some(ViolationKind::TooLong {
            max: 5000,
            actual: 5001
        })
    );
    let sent = server.received_requests().await.unwrap_or_default();
    assert_eq!(sent.len(), 1, "only the request at the limit is sent");
}

#[tokio::test]
async fn a_list_streams_its_pages_and_dispatches_mixed_items_on_object() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/items"))
        .and(query_param("starting_after", "gad_1"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "url": "/v1/items", "has_more": false,
            "data": [{"id": "sprocket_1", "object": "sprocket"}],
        })))
        .mount(&server)
        .await;
    Mock::given(method("GET"))
        .and(path("/v1/items"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "url": "/v1/items", "has_more": true,
            "data": [
                widget_json("wid_1"),
                {"id": "gad_0", "object": "gadget", "deleted": true},
                {"id": "gad_1", "object": "gadget", "size": 3},
            ],
        })))
        .mount(&server)
        .await;
    let client = client(&server);
    let items: Vec<ItemListResponseItem> = client
        .get_items_stream(&ItemListParams::default())
        .map(|item| item.expect("every page decodes"))
        .collect()
        .await;
    assert!(matches!(&items[0], ItemListResponseItem::Widget(widget) if widget.id == "wid_1"));
    assert!(
        matches!(&items[1], ItemListResponseItem::DeletedGadget(gadget) if gadget.id == "gad_0")
    );
    assert!(matches!(&items[2], ItemListResponseItem::Gadget(gadget) if gadget.size == Some(3)));
    assert!(
        matches!(&items[3], ItemListResponseItem::Unknown(value) if value["object"] == "sprocket")
    );
    assert_eq!(items.len(), 4);
}

#[tokio::test]
async fn search_follows_next_page() {
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
        .and(query_param("query", "color:'red'"))
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
    let ids: Vec<String> = client(&server)
        .get_widgets_search_stream(&params)
        .map(|widget| widget.expect("decodes").id)
        .collect()
        .await;
    assert_eq!(ids, ["wid_1", "wid_2"]);
}

#[tokio::test]
async fn a_list_without_pages_left_ends() {
    let server = MockServer::start().await;
    Mock::given(method("GET"))
        .and(path("/v1/widgets"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "object": "list", "url": "/v1/widgets", "has_more": false, "data": [],
        })))
        .expect(1)
        .mount(&server)
        .await;
    let page = client(&server)
        .get_widgets(&WidgetListParams::default())
        .await
        .expect("an empty page");
    assert!(page.data.is_empty());
}

#[tokio::test]
async fn multipart_sends_a_file_and_an_array_of_files_as_parts() {
    let server = MockServer::start().await;
    Mock::given(method("POST"))
        .and(path("/v1/files"))
        .respond_with(ResponseTemplate::new(200).set_body_json(json!({
            "id": "gad_9", "object": "gadget"
        })))
        .expect(1)
        .mount(&server)
        .await;
    let params = FilesCreateParams {
        file: FileUpload::new("evidence.pdf", b"%PDF-1.4".to_vec())
            .with_content_type("application/pdf"),
        attachments: Some(vec![
            FileUpload::new("a.txt", b"first".to_vec()),
            FileUpload::new("b.txt", b"second".to_vec()),
        ]),
        purpose: FilesCreateParamsPurpose::DisputeEvidence,
        file_link_data: Some(FilesCreateParamsFileLinkData {
            create: true,
            expires_at: None,
        }),
    };
    let gadget = client(&server)
        .post_files(&params)
        .await
        .expect("the upload is accepted");
    assert_eq!(gadget.id, "gad_9");
    let requests = server.received_requests().await.unwrap_or_default();
    let body = String::from_utf8_lossy(&requests[0].body).into_owned();
    for part in [
        "name=\"purpose\"\r\n\r\ndispute_evidence\r\n",
        "name=\"file_link_data[create]\"\r\n\r\ntrue\r\n",
        "name=\"file\"; filename=\"evidence.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4\r\n",
        "name=\"attachments[0]\"; filename=\"a.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nfirst\r\n",
        "name=\"attachments[1]\"; filename=\"b.txt\"\r\nContent-Type: application/octet-stream\r\n\r\nsecond\r\n",
    ] {
        assert!(body.contains(part), "missing {part:?} in {body}");
    }
}

#[tokio::test]
async fn a_binary_response_comes_back_as_bytes() {
    let server = MockServer::start().await;
    let pdf = b"%PDF-1.4\n\xff\x00binary".to_vec();
    Mock::given(method("GET"))
        .and(path("/v1/widgets/wid_1/pdf"))
        .respond_with(
            ResponseTemplate::new(200)
                .insert_header("content-type", "application/pdf")
                .set_body_bytes(pdf.clone()),
        )
        .expect(1)
        .mount(&server)
        .await;
    let bytes = client(&server)
        .get_widgets_widget_pdf("wid_1")
        .await
        .expect("the document");
    assert_eq!(bytes, pdf);
}
