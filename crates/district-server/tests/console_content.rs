//! Editing content in the console: articles in both languages into a draft, checked with the
//! bundle's rules (problems next to their field, nothing saved), published in one push that a
//! kiosk's feed then carries; second-person approval when configured.

mod common;
mod console_common;

use common::{Replica, TestServer, manifest};
use console_common::{Browser, CustomServer, add_user};
use district_server::accounts::StaffRole;
use protocol::content::{Kind, Record};

fn article_form<'a>(id: &'a str, title_en: &'a str, body_en: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", id),
        ("section", "beautiful"),
        ("category", "service"),
        ("order", "3"),
        ("title_zh", "港湾夜景"),
        ("title_en", title_en),
        ("summary_zh", "夜晚的海港"),
        ("summary_en", "The harbour at night"),
        ("body_zh", "第一段\n\n第二段"),
        ("body_en", body_en),
        ("link", ""),
        ("publish_at", ""),
        ("expire_at", ""),
        ("scope", ""),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_is_drafted_checked_published_and_reaches_kiosks() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let page = b.get("/console/content").await;
    assert_eq!(page.status, 200);
    assert!(page.body.contains("海港漫步") && page.body.contains("草稿里没有待发布的修改"));

    // A field left empty in one language is refused next to that field; nothing is saved.
    let form = article_form("night-harbour", "", "First\n\nSecond");
    let page = b
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &form,
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("data-field=\"title.en\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("未保存"));
    // The protocol's rule, said in the console's language (its typed code, translated).
    assert!(
        page.body
            .contains("不能为空：发布的每段文字都需要中文和英文（缺英文）"),
        "{}",
        page.body
    );
    assert!(
        !page.body.contains("every published text needs"),
        "no English"
    );
    let en = Browser::new(&server.base);
    en.get("/console/lang/en?next=%2Fconsole%2F").await;
    en.login("ed").await;
    let english = en
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &form,
        )
        .await;
    assert_eq!(english.status, 422);
    assert!(
        english
            .body
            .contains("every published text needs Chinese and English (English is missing)"),
        "{}",
        english.body
    );
    // Paragraphs must pair up.
    let form = article_form("night-harbour", "Harbour by night", "Only one");
    let page = b
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &form,
        )
        .await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("中文有 2 段，英文有 1 段"));
    assert!(
        b.get("/console/content")
            .await
            .body
            .contains("草稿里没有待发布的修改")
    );

    let form = article_form("night-harbour", "Harbour by night", "First\n\nSecond");
    let page = b
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &form,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let again = b
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &form,
        )
        .await;
    assert_eq!(again.status, 422, "ids are unique");
    let overview = b.get("/console/content").await;
    assert!(overview.body.contains("新建（草稿）"));
    // Drafts do not reach kiosks.
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    assert!(
        !replica
            .ids(Kind::Article)
            .contains(&"night-harbour".to_string())
    );

    // Edit a published one too, then publish both at once.
    let edit = b.get("/console/content/articles/harbour-walk").await;
    assert!(edit.body.contains("value=\"Harbour walk\""));
    let at = edit
        .body
        .find("name=\"img0_sha\" value=\"")
        .expect("image row")
        + 23;
    let image = edit.body[at..at + 64].to_string();
    let mut form = article_form("harbour-walk", "Harbour stroll", "First paragraph");
    form.retain(|(k, _)| *k != "body_zh" && *k != "id");
    form.extend([
        ("body_zh", "第一段"),
        ("img0_sha", image.as_str()),
        ("img0_alt_zh", "海港"),
        ("img0_alt_en", "The harbour"),
    ]);
    let page = b
        .post(
            "/console/content/articles/harbour-walk",
            "/console/content/articles/harbour-walk",
            &form,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let head = server.head().await;
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(page.location(), "/console/content?done=content-published");
    assert_eq!(server.head().await, head + 2, "two changes, one push");
    replica.sync(&server, &kiosk, 500).await;
    let Some(Record::Article(a)) = replica
        .records
        .get(&(Kind::Article, "night-harbour".into()))
    else {
        panic!("the new article reached the kiosk");
    };
    assert_eq!(a.title.en, "Harbour by night");
    assert_eq!(a.body.len(), 2);
    let Some(Record::Article(walk)) = replica.records.get(&(Kind::Article, "harbour-walk".into()))
    else {
        panic!("still there");
    };
    assert_eq!(walk.title.en, "Harbour stroll");
    assert_eq!(walk.images.len(), 1, "images are kept");
    assert!(
        b.get("/console/content")
            .await
            .body
            .contains("草稿里没有待发布的修改")
    );

    // Removal is drafted, can be undone, and publishes as a delete.
    let page = b
        .post(
            "/console/content/articles/night-harbour",
            "/console/content/articles/night-harbour/remove",
            &[],
        )
        .await;
    assert_eq!(page.status, 303);
    assert!(
        b.get("/console/content")
            .await
            .body
            .contains("将删除（草稿）")
    );
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303);
    replica.sync(&server, &kiosk, 500).await;
    assert!(
        !replica
            .ids(Kind::Article)
            .contains(&"night-harbour".to_string())
    );

    // Moderators cannot edit content; the audit log has every step.
    add_user(&server.config(), "ada", StaffRole::Admin);
    let admin = Browser::new(&server.base);
    admin.login("ada").await;
    let audit = admin.get("/console/audit?kind=content&actor=ed").await;
    for action in ["drafted", "published", "drafted-removal"] {
        assert!(
            audit.body.contains(&format!("<td>{action}</td>")),
            "{action}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_editor_approves_before_anything_is_published() {
    let server = CustomServer::start(|c| c.console.require_approval = true).await;
    let token = district_server::admin::init(&server.config()).err();
    assert!(token.is_some(), "already initialised by the harness");
    // Publish a first bundle through the operator's API.
    let staff = district_server::admin::staff_token(&server.config(), false).expect("token");
    let client = district_server::ctl::Client::new(&server.base, &staff).expect("client");
    let bundle = common::BundleDir::new(&manifest());
    district_server::ctl::push_bundle(&client, bundle.path(), false, |_| {})
        .await
        .expect("pushes");
    add_user(&server.config(), "ed", StaffRole::Editor);
    add_user(&server.config(), "ed2", StaffRole::Editor);
    let one = Browser::new(&server.base);
    one.login("ed").await;
    let form = article_form("night-harbour", "Harbour by night", "First\n\nSecond");
    let page = one
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &form,
        )
        .await;
    assert_eq!(page.status, 303);
    let refused = one
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(refused.status, 409);
    assert!(refused.body.contains("需要另一位同事批准"));
    let page = one
        .post("/console/content", "/console/content/submit", &[])
        .await;
    assert_eq!(page.status, 303);
    let own = one
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(own.status, 409);
    assert!(own.body.contains("不能自己批准"));
    let two = Browser::new(&server.base);
    two.login("ed2").await;
    let page = two.get("/console/content").await;
    assert!(page.body.contains("ed 于") && page.body.contains("批准并发布"));
    let page = two
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let head = server
        .state
        .db
        .read(|tx| district_server::storage::records::get(tx, Kind::Article, "night-harbour"))
        .await
        .expect("reads");
    assert!(head.is_some(), "published");
}

async fn upload(b: &Browser, name: &str, bytes: Vec<u8>) -> console_common::Page {
    let token = b.get("/console/media").await.csrf();
    let part = reqwest::multipart::Part::bytes(bytes)
        .file_name(name.to_string())
        .mime_str("image/png")
        .expect("mime");
    let form = reqwest::multipart::Form::new().part("file", part);
    let r = b
        .http
        .post(b.url(&format!("/console/media?csrf={token}")))
        .multipart(form)
        .send()
        .await
        .expect("request");
    let status = r.status().as_u16();
    let headers = r.headers().clone();
    let body = r.text().await.unwrap_or_default();
    console_common::Page {
        status,
        headers,
        body,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn images_are_uploaded_checked_attached_and_never_deleted_while_used() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    // A damaged file is refused whole; nothing is stored.
    let mut broken = common::png(99);
    broken.truncate(broken.len() / 2);
    let page = upload(&b, "broken.png", broken).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("图片未被接受"));
    // The image's problem by its typed code, in the console's language.
    assert!(
        page.body.contains("图片无法完整解码：文件不完整或已损坏"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("does not decode"), "no English");
    let en = Browser::new(&server.base);
    en.get("/console/lang/en?next=%2Fconsole%2F").await;
    en.login("ed").await;
    let mut broken = common::png(98);
    broken.truncate(broken.len() / 2);
    let english = upload(&en, "broken.png", broken).await;
    assert_eq!(english.status, 422);
    assert!(
        english
            .body
            .contains("The image does not decode completely: the file is truncated or damaged."),
        "{}",
        english.body
    );
    let page = upload(&b, "text.png", b"just some text, not a picture".to_vec()).await;
    assert_eq!(page.status, 422);
    assert!(page.body.contains("不是 PNG 或 JPEG 图片"), "{}", page.body);
    let tiny = {
        let img = image::RgbImage::from_pixel(8, 40, image::Rgb([1, 2, 3]));
        let mut out = std::io::Cursor::new(Vec::new());
        img.write_to(&mut out, image::ImageFormat::Png)
            .expect("png");
        out.into_inner()
    };
    let page = upload(&b, "tiny.png", tiny).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("图片为 8×40 像素，边长至少 16 像素"),
        "{}",
        page.body
    );
    let page = upload(&b, "huge.png", vec![0u8; 9 * 1024 * 1024]).await;
    assert_eq!(page.status, 413);
    // Refused before it was read: the connection is not reused (the next request, below, must
    // not go into a connection the server is closing).
    assert_eq!(
        page.headers.get("connection").and_then(|v| v.to_str().ok()),
        Some("close")
    );
    // Without the form's token nothing is accepted.
    let r = b
        .http
        .post(b.url("/console/media"))
        .multipart(reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(common::png(98)).file_name("x.png"),
        ))
        .send()
        .await
        .expect("request");
    assert_eq!(r.status(), 403);

    let picture = common::png(77);
    let sha = protocol::content::sha256_hex(&picture);
    let page = upload(&b, "港湾.png", picture.clone()).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let library = b.get("/console/media").await;
    assert!(library.body.contains("港湾.png") && library.body.contains("未被使用"));
    let served = b
        .http
        .get(b.url(&format!("/console/media/{sha}")))
        .send()
        .await
        .expect("get");
    assert_eq!(served.bytes().await.expect("bytes").to_vec(), picture);

    // Attach it to a published article: both alt texts are required, like every text.
    let mut form = article_form("harbour-walk", "Harbour walk", "First paragraph");
    form.retain(|(k, _)| *k != "body_zh" && *k != "id");
    let existing = b.get("/console/content/articles/harbour-walk").await;
    let at = existing
        .body
        .find("name=\"img0_sha\" value=\"")
        .expect("existing image row")
        + 23;
    let old_sha = existing.body[at..at + 64].to_string();
    let mut with_image = form.clone();
    with_image.extend([
        ("body_zh", "第一段"),
        ("img0_sha", old_sha.as_str()),
        ("img0_alt_zh", "海港"),
        ("img0_alt_en", "The harbour"),
        ("new_sha", sha.as_str()),
        ("new_alt_zh", "夜色"),
        ("new_alt_en", ""),
    ]);
    let page = b
        .post(
            "/console/content/articles/harbour-walk",
            "/console/content/articles/harbour-walk",
            &with_image,
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("data-field=\"images.en\""),
        "{}",
        page.body
    );
    with_image.retain(|(k, _)| *k != "new_alt_en");
    with_image.push(("new_alt_en", "At night"));
    let page = b
        .post(
            "/console/content/articles/harbour-walk",
            "/console/content/articles/harbour-walk",
            &with_image,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        b.post("/console/content", "/console/content/publish", &[])
            .await
            .status,
        303
    );
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    let Some(Record::Article(a)) = replica.records.get(&(Kind::Article, "harbour-walk".into()))
    else {
        panic!("article");
    };
    assert_eq!(a.images.len(), 2);
    assert_eq!(
        (
            a.images[1].sha256.as_str(),
            a.images[1].width,
            a.images[1].height
        ),
        (sha.as_str(), 32, 24)
    );
    assert_eq!(a.images[1].alt.en, "At night");
    let blob = server.get(&format!("/v1/blobs/sha256/{sha}"), &kiosk).await;
    assert_eq!(blob.status(), 200, "kiosks can download it");

    // In use: it cannot be deleted.
    let page = b
        .post(
            "/console/media",
            &format!("/console/media/{sha}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, 409);
    assert!(page.body.contains("article harbour-walk"));
    // Taken off the article (published), it can.
    let mut without = form.clone();
    without.extend([
        ("body_zh", "第一段"),
        ("img0_sha", old_sha.as_str()),
        ("img0_alt_zh", "海港"),
        ("img0_alt_en", "The harbour"),
        ("img1_sha", sha.as_str()),
        ("img1_alt_zh", "夜色"),
        ("img1_alt_en", "At night"),
        ("img1_remove", "1"),
    ]);
    let page = b
        .post(
            "/console/content/articles/harbour-walk",
            "/console/content/articles/harbour-walk",
            &without,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b
        .post(
            "/console/media",
            &format!("/console/media/{sha}/delete"),
            &[],
        )
        .await;
    assert_eq!(
        page.status, 409,
        "the published article still uses it until the draft is published"
    );
    assert_eq!(
        b.post("/console/content", "/console/content/publish", &[])
            .await
            .status,
        303
    );
    let page = b
        .post(
            "/console/media",
            &format!("/console/media/{sha}/delete"),
            &[],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(!server.state.blobs.contains(&sha), "the file is gone");
    let page = b
        .post(
            "/console/media",
            &format!("/console/media/{old_sha}/delete"),
            &[],
        )
        .await;
    assert_eq!(
        page.status, 404,
        "images from bundles are not in the library's care"
    );
}

fn section_form<'a>(id: &'a str, subtitle_en: &'a str, color: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("id", id),
        ("order", "3"),
        ("title_zh", "便民服务"),
        ("title_en", "Services"),
        ("subtitle_zh", "办事指南"),
        ("subtitle_en", subtitle_en),
        ("icon", "handshake"),
        ("color", color),
        ("scope", ""),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sections_are_edited_side_by_side_checked_and_published() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ed", StaffRole::Editor);
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let overview = b.get("/console/content").await;
    assert!(
        overview
            .body
            .contains("href=\"/console/content/sections/beautiful\"")
    );

    // Empty English subtitle and a colour that is not one: both refused next to their field,
    // with the protocol's rules in the console's language; nothing saved.
    let page = b
        .post(
            "/console/content/sections/new",
            "/console/content/sections",
            &section_form("services", " ", "red"),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("data-field=\"subtitle.en\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("缺英文"));
    assert!(page.body.contains("data-field=\"color\""));
    assert!(page.body.contains("“red”不是 #RRGGBB 形式的颜色"));
    assert!(
        page.body.contains("value=\"便民服务\""),
        "what was typed stays"
    );
    assert!(
        b.get("/console/content")
            .await
            .body
            .contains("草稿里没有待发布的修改")
    );
    // A new section cannot take a published section's id.
    let page = b
        .post(
            "/console/content/sections/new",
            "/console/content/sections",
            &section_form("beautiful", "How-to guides", "#2E7D32"),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("data-field=\"id\""), "{}", page.body);
    assert!(
        page.body.contains("已有同类记录使用这个标识"),
        "{}",
        page.body
    );

    let page = b
        .post(
            "/console/content/sections/new",
            "/console/content/sections",
            &section_form("services", "How-to guides", "#2E7D32"),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    // The wish wall: one section may have it, a second is refused.
    let mut beautiful = section_form("beautiful", "The city", "#1E88E5");
    beautiful.retain(|(k, _)| !["id", "title_zh", "title_en"].contains(k));
    beautiful.extend([
        ("title_zh", "美丽中山"),
        ("title_en", "Beautiful Zhongshan"),
        ("wish_wall", "true"),
    ]);
    let page = b
        .post(
            "/console/content/sections/beautiful",
            "/console/content/sections/beautiful",
            &beautiful,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let edit = b.get("/console/content/sections/stations").await;
    assert!(edit.body.contains("value=\"Red Fort Stations\""));
    let mut stations = section_form("stations", "Stations", "#C62828");
    stations.retain(|(k, _)| !["id", "title_zh", "title_en"].contains(k));
    stations.extend([("title_zh", "红垒驿站"), ("title_en", "Red Fort Stations")]);
    stations.push(("wish_wall", "true"));
    let page = b
        .post(
            "/console/content/sections/stations",
            "/console/content/sections/stations",
            &stations,
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("只能有一个栏目显示心愿墙"),
        "{}",
        page.body
    );

    // Nothing reaches kiosks until the draft is published; then all of it at once.
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    assert!(!replica.ids(Kind::Section).contains(&"services".to_string()));
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    replica.sync(&server, &kiosk, 500).await;
    let section = |id: &str| match replica.records.get(&(Kind::Section, id.to_string())) {
        Some(protocol::content::Record::Section(s)) => s.clone(),
        other => panic!("{id}: {other:?}"),
    };
    let services = section("services");
    assert_eq!(
        (
            services.subtitle.en.as_str(),
            services.icon.as_str(),
            services.color.as_str()
        ),
        ("How-to guides", "handshake", "#2E7D32")
    );
    assert!(section("beautiful").wish_wall && !section("stations").wish_wall);

    // Moderators do not edit content.
    let mo = Browser::new(&server.base);
    mo.login("mo").await;
    assert_eq!(
        mo.get("/console/content/sections/beautiful").await.status,
        403
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn events_are_edited_in_the_district_zone_checked_and_published() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-2", "s2");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let overview = b.get("/console/content").await;
    assert!(
        overview
            .body
            .contains("href=\"/console/content/events/finance-talk\"")
    );

    let mut form = vec![
        ("id", "tea-talk"),
        ("room", "s2-salon"),
        ("title_zh", "茶艺分享"),
        ("title_en", ""),
        ("description_zh", "一起品茶"),
        ("description_en", "Tea together"),
        ("start", "2030-01-10T15:00"),
        ("end", "2030-01-10T14:00"),
        ("capacity", "12"),
        ("signup_open", "true"),
        ("weekly", "true"),
        ("until", "2030-03-01"),
        ("station_only", "true"),
        ("link", ""),
    ];
    let page = b
        .post(
            "/console/content/events/new",
            "/console/content/events",
            &form,
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("data-field=\"title.en\""));
    assert!(page.body.contains("data-field=\"end\""));
    assert!(page.body.contains("必须晚于开始时间"), "{}", page.body);
    assert!(
        page.body.contains("value=\"茶艺分享\""),
        "what was typed stays"
    );

    for (k, v) in form.iter_mut() {
        match *k {
            "title_en" => *v = "Tea sharing",
            "end" => *v = "2030-01-10T16:30",
            _ => {}
        }
    }
    let page = b
        .post(
            "/console/content/events/new",
            "/console/content/events",
            &form,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    // Edit a published one: its form shows the stored local times.
    let edit = b.get("/console/content/events/handicraft").await;
    assert!(
        edit.body.contains("value=\"2030-01-07T12:00\""),
        "{}",
        edit.body
    );
    let page = b
        .post(
            "/console/content/events/handicraft",
            "/console/content/events/handicraft",
            &[
                ("room", "s2-salon"),
                ("title_zh", "手工课"),
                ("title_en", "Handicraft class"),
                ("description_zh", "午间"),
                ("description_en", "Lunchtime"),
                ("start", "2030-01-07T12:30"),
                ("end", "2030-01-07T13:30"),
                ("capacity", "8"),
                ("signup_open", "true"),
                ("weekly", "true"),
                ("until", ""),
                ("station_only", "true"),
                ("link", "https://example.org/handicraft"),
            ],
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    let event = |id: &str| match replica.records.get(&(Kind::Event, id.to_string())) {
        Some(Record::Event(e)) => e.clone(),
        other => panic!("{id}: {other:?}"),
    };
    let tea = event("tea-talk");
    assert_eq!(tea.station, "s2", "the room's station");
    assert_eq!(tea.scope.as_deref(), Some("s2"));
    assert_eq!(tea.title.en, "Tea sharing");
    assert_eq!(tea.start.to_string(), "2030-01-10 15:00:00");
    assert_eq!(tea.capacity, Some(12));
    let rec = tea.recurrence.expect("weekly");
    assert!(rec.weekly);
    assert_eq!(
        rec.until.map(|d| d.to_string()).as_deref(),
        Some("2030-03-01")
    );
    let handicraft = event("handicraft");
    assert_eq!(handicraft.start.to_string(), "2030-01-07 12:30:00");
    assert_eq!(handicraft.capacity, Some(8));
    assert_eq!(
        handicraft.link.as_deref(),
        Some("https://example.org/handicraft")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn stations_and_rooms_are_edited_checked_and_published() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    let station = |r: &Replica, id: &str| match r.records.get(&(Kind::Station, id.to_string())) {
        Some(Record::Station(s)) => s.clone(),
        other => panic!("{id}: {other:?}"),
    };
    let picture = station(&replica, "s1")
        .image
        .expect("s1 has a picture")
        .sha256;
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let overview = b.get("/console/content").await;
    assert!(
        overview
            .body
            .contains("href=\"/console/content/stations/s1\"")
    );
    assert!(
        overview
            .body
            .contains("href=\"/console/content/rooms/s1-reading\"")
    );
    let edit = b.get("/console/content/stations/s1").await;
    assert!(edit.body.contains("value=\"Harbour View Tower\""));
    assert!(edit.body.contains(&format!("value=\"{picture}\" selected")));

    let mut form = vec![
        ("order", "1"),
        ("name_zh", "海之云"),
        ("name_en", "Sea Cloud"),
        ("building_zh", "上方港景大厦"),
        ("building_en", ""),
        ("floor_zh", "23层"),
        ("floor_en", "23rd floor"),
        ("address_zh", "港景路1号"),
        ("address_en", "1 Harbour Rd"),
        ("hours_zh", "9:00-17:00"),
        ("hours_en", "9 am to 5 pm"),
        ("summary_zh", "驿站"),
        ("summary_en", "A station"),
        ("area", "180"),
        ("serves_zh", "A座\nB座"),
        ("serves_en", "Tower A"),
        ("image", picture.as_str()),
        ("image_alt_zh", "驿站前台"),
        ("image_alt_en", ""),
    ];
    let page = b
        .post(
            "/console/content/stations/s1",
            "/console/content/stations/s1",
            &form,
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("data-field=\"serves\""), "{}", page.body);
    assert!(page.body.contains("中文有 2 栋楼，英文有 1 栋"));
    for (k, v) in form.iter_mut() {
        if *k == "serves_en" {
            *v = "Tower A\nTower B";
        }
    }
    let page = b
        .post(
            "/console/content/stations/s1",
            "/console/content/stations/s1",
            &form,
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("data-field=\"building.en\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("data-field=\"image_alt.en\""),
        "{}",
        page.body
    );
    for (k, v) in form.iter_mut() {
        match *k {
            "building_en" => *v = "Harbour View Tower",
            "image_alt_en" => *v = "The station's front desk",
            _ => {}
        }
    }
    let page = b
        .post(
            "/console/content/stations/s1",
            "/console/content/stations/s1",
            &form,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    let room = [
        ("id", "s1-tea"),
        ("station", "s1"),
        ("order", "2"),
        ("name_zh", "茶室"),
        ("name_en", "Tea room"),
        ("description_zh", "安静"),
        ("description_en", "Quiet"),
        ("capacity", "6"),
    ];
    let page = b
        .post(
            "/console/content/rooms/new",
            "/console/content/rooms",
            &room,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);

    replica.sync(&server, &kiosk, 500).await;
    let s1 = station(&replica, "s1");
    assert_eq!(s1.hours.en, "9 am to 5 pm");
    assert_eq!(s1.area_m2, Some(180));
    assert_eq!(s1.serves.len(), 2);
    assert_eq!(s1.serves[1].en, "Tower B");
    let image = s1.image.expect("picture kept");
    assert_eq!(image.sha256, picture);
    assert_eq!(image.alt.en, "The station's front desk");
    assert!(image.width > 0, "its size kept");
    match replica.records.get(&(Kind::Room, "s1-tea".to_string())) {
        Some(Record::Room(r)) => {
            assert_eq!((r.station.as_str(), r.capacity), ("s1", Some(6)));
        }
        other => panic!("room: {other:?}"),
    }
}

/// The `value` of the hidden `confirm` field of a removal's confirmation page.
fn confirm_key(body: &str) -> String {
    let marker = "name=\"confirm\" value=\"";
    let at = body.find(marker).expect("a confirmation form") + marker.len();
    let end = body[at..].find('"').expect("end") + at;
    body[at..end].to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn records_are_removed_with_what_depends_on_them_after_confirmation() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    server.kiosk("lobby-2", "s2");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let empty = "草稿里没有待发布的修改";

    // A station an article is limited to cannot go: the article is named, nothing is drafted.
    let page = b.get("/console/content/remove/station/s1").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("id=\"remove-refused\""), "{}", page.body);
    assert!(page.body.contains("不能删除"));
    assert!(
        page.body.contains("s1-news"),
        "the record left pointing at it"
    );
    assert!(
        !page.body.contains("name=\"confirm\""),
        "no button to go ahead"
    );
    let refused = b
        .post(
            "/console/content/sections/beautiful",
            "/console/content/remove/station/s1",
            &[("confirm", "station:s1,room:s1-reading")],
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert!(b.get("/console/content").await.body.contains(empty));
    let en = Browser::new(&server.base);
    en.get("/console/lang/en?next=%2Fconsole%2F").await;
    en.login("ed").await;
    let english = en.get("/console/content/remove/station/s1").await;
    assert!(
        english.body.contains("It cannot be removed")
            && english.body.contains("There is no station “s1”"),
        "{}",
        english.body
    );

    // A station takes its rooms and events with it: all are listed and confirmed at once.
    let page = b.get("/console/content/remove/station/s2").await;
    assert_eq!(page.status, 200);
    assert!(
        page.body
            .contains("data-kind=\"room\" data-id=\"s2-salon\""),
        "{}",
        page.body
    );
    assert!(
        page.body
            .contains("data-kind=\"event\" data-id=\"handicraft\"")
    );
    assert!(
        page.body.contains("一并删除这 3 条（草稿）"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("lobby-2"),
        "the kiosk registered there is named"
    );
    let key = confirm_key(&page.body);
    assert_eq!(key, "station:s2,room:s2-salon,event:handicraft");
    // What was confirmed must be what goes: another list is shown again, nothing drafted.
    let stale = b
        .post(
            "/console/content/remove/station/s2",
            "/console/content/remove/station/s2",
            &[("confirm", "station:s2")],
        )
        .await;
    assert_eq!(stale.status, 409);
    assert!(stale.body.contains("刚刚有变化"), "{}", stale.body);
    assert!(b.get("/console/content").await.body.contains(empty));
    let head = server.head().await;
    let done = b
        .post(
            "/console/content/remove/station/s2",
            "/console/content/remove/station/s2",
            &[("confirm", &key)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    assert_eq!(
        done.location(),
        "/console/content?done=content-removal-drafted"
    );
    // A second tap finds nothing left to remove and changes nothing.
    let again = b
        .post(
            "/console/content",
            "/console/content/remove/station/s2",
            &[("confirm", &key)],
        )
        .await;
    assert_eq!(again.status, 404);
    let overview = b.get("/console/content").await;
    for (kind, id) in [
        ("station", "s2"),
        ("room", "s2-salon"),
        ("event", "handicraft"),
    ] {
        assert!(
            overview
                .body
                .contains(&format!("/console/content/drafts/{kind}/{id}/forget")),
            "{kind} {id} drafted for removal"
        );
    }
    assert_eq!(server.head().await, head, "nothing published yet");

    // A section takes its articles; a new article only in the draft simply goes from it.
    let form = article_form("night-harbour", "Harbour by night", "First\n\nSecond");
    let page = b
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &form,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b.get("/console/content/remove/section/beautiful").await;
    let key = confirm_key(&page.body);
    assert_eq!(
        key,
        "section:beautiful,article:harbour-walk,article:night-harbour"
    );
    let done = b
        .post(
            "/console/content/remove/section/beautiful",
            "/console/content/remove/section/beautiful",
            &[("confirm", &key)],
        )
        .await;
    assert_eq!(done.status, 303, "{}", done.body);
    let overview = b.get("/console/content").await;
    assert!(
        !overview
            .body
            .contains("/drafts/article/night-harbour/forget")
    );

    // Publishing deletes them all in one push; the kiosk's feed carries the deletions.
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    assert!(replica.ids(Kind::Station).contains(&"s2".to_string()));
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(server.head().await, head + 5, "five deletions");
    replica.sync(&server, &kiosk, 500).await;
    assert!(!replica.ids(Kind::Station).contains(&"s2".to_string()));
    assert!(!replica.ids(Kind::Room).contains(&"s2-salon".to_string()));
    assert!(
        !replica
            .ids(Kind::Section)
            .contains(&"beautiful".to_string())
    );
    assert!(
        !replica
            .ids(Kind::Article)
            .contains(&"harbour-walk".to_string())
    );
    assert!(replica.ids(Kind::Station).contains(&"s1".to_string()));
    assert!(replica.ids(Kind::Article).contains(&"s1-news".to_string()));
    assert_eq!(
        b.get("/console/content/remove/station/s2").await.status,
        404
    );
}

fn brand_form<'a>(welcome_en: &'a str, accent: &'a str, logo: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("name_zh", "中山区"),
        ("name_en", "Zhongshan District"),
        ("kiosk_name_zh", "红垒e站"),
        ("kiosk_name_en", "Red Fort e-Station"),
        ("welcome_zh", "欢迎来到红垒驿站"),
        ("welcome_en", welcome_en),
        ("intro_zh", "城市、文化与身边的服务"),
        ("intro_en", "The city, its culture and services nearby"),
        ("venues_zh", "红垒驿站"),
        ("venues_en", "Stations"),
        ("accent", accent),
        ("logo", logo),
        ("logo_alt_zh", "红垒标志"),
        ("logo_alt_en", "The Red Fort logo"),
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_district_brand_is_edited_checked_and_published_by_editors() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ed", StaffRole::Editor);
    add_user(&server.config(), "mo", StaffRole::Moderator);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let page = b.get("/console/content/district").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(
        page.body
            .contains("value=\"Welcome to the Red Fort Stations\"")
    );
    assert!(
        page.body.contains("Asia/Shanghai"),
        "the zone is shown, not edited"
    );

    // Problems show next to their fields in the console's language; nothing is saved.
    let form = brand_form("", "#12", "");
    let page = b
        .post(
            "/console/content/district",
            "/console/content/district",
            &form,
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("data-field=\"welcome.en\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("（缺英文）"));
    assert!(page.body.contains("data-field=\"accent\""));
    assert!(
        page.body.contains("“#12”不是 #RRGGBB 形式的颜色"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"红垒e站\""),
        "what was typed stays"
    );
    let en = Browser::new(&server.base);
    en.get("/console/lang/en?next=%2Fconsole%2F").await;
    en.login("ed").await;
    let english = en
        .post(
            "/console/content/district",
            "/console/content/district",
            &form,
        )
        .await;
    assert!(
        english
            .body
            .contains("“#12” is not a colour of the form #RRGGBB"),
        "{}",
        english.body
    );
    assert!(
        b.get("/console/content")
            .await
            .body
            .contains("草稿里没有待发布的修改")
    );

    // A logo from the library, alt text in both languages; drafted, then published.
    let picture = common::png(40);
    let sha = protocol::content::sha256_hex(&picture);
    assert_eq!(upload(&b, "logo.png", picture).await.status, 303);
    let form = brand_form("Welcome to the Red Fort", "#1565C0", &sha);
    let page = b
        .post(
            "/console/content/district",
            "/console/content/district",
            &form,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let overview = b.get("/console/content").await;
    assert!(
        overview
            .body
            .contains("/console/content/drafts/district/zhongshan/forget")
    );
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    let head = server.head().await;
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(server.head().await > head);
    replica.sync(&server, &kiosk, 500).await;
    let Some(Record::District(d)) = replica.records.get(&(Kind::District, "zhongshan".into()))
    else {
        panic!("the district reached the kiosk");
    };
    assert_eq!(d.brand.welcome.en, "Welcome to the Red Fort");
    assert_eq!(d.brand.accent, "#1565C0");
    let logo = d.brand.logo.as_ref().expect("a logo");
    assert_eq!(logo.sha256, sha);
    assert_eq!(
        (logo.width, logo.height),
        (32, 24),
        "sizes from the decoded file"
    );
    assert_eq!(logo.alt.en, "The Red Fort logo");
    assert_eq!(d.timezone, "Asia/Shanghai");
    // The logo is in use now: it cannot be deleted.
    let refused = b
        .post(
            "/console/media",
            &format!("/console/media/{sha}/delete"),
            &[],
        )
        .await;
    assert_eq!(refused.status, 409, "{}", refused.body);
    assert_eq!(b.get(&format!("/console/media/{sha}")).await.status, 200);

    // Moderators look after what visitors write, not the district's brand.
    let m = Browser::new(&server.base);
    m.login("mo").await;
    assert_eq!(m.get("/console/content/district").await.status, 403);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_article_keeps_its_link_times_in_the_district_zone_and_station_scope() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let at_s1 = server.kiosk("lobby-1", "s1");
    let at_s2 = server.kiosk("lobby-2", "s2");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let with = |link: &'static str, publish: &'static str, expire: &'static str| {
        let mut form = article_form("s1-market", "Market at the station", "First\n\nSecond");
        form.retain(|(k, _)| !matches!(*k, "link" | "publish_at" | "expire_at" | "scope"));
        form.extend([
            ("link", link),
            ("publish_at", publish),
            ("expire_at", expire),
            ("scope", "s1"),
        ]);
        form
    };
    // Each rule next to its field, in Chinese.
    let page = b
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &with(
                "ftp://example.org/x",
                "2026-12-01T09:00",
                "2026-11-30T18:00",
            ),
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(page.body.contains("data-field=\"link\""), "{}", page.body);
    assert!(
        page.body.contains("“ftp://example.org/x”不是 http(s) 网址"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("data-field=\"expire_at\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("必须晚于发布时间"));

    let page = b
        .post(
            "/console/content/articles/new",
            "/console/content/articles",
            &with(
                "https://example.org/market",
                "2026-12-01T09:00",
                "2026-12-31T18:00",
            ),
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    // The form shows the times as typed, local to the district.
    let edit = b.get("/console/content/articles/s1-market").await;
    assert!(
        edit.body.contains("value=\"2026-12-01T09:00\""),
        "{}",
        edit.body
    );
    assert!(edit.body.contains("value=\"https://example.org/market\""));
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let mut s1 = Replica::default();
    s1.sync(&server, &at_s1, 500).await;
    let Some(Record::Article(a)) = s1.records.get(&(Kind::Article, "s1-market".into())) else {
        panic!("the station's kiosk has it");
    };
    assert_eq!(a.link.as_deref(), Some("https://example.org/market"));
    assert_eq!(a.scope.as_deref(), Some("s1"));
    assert_eq!(
        a.publish_at.map(|t| t.to_rfc3339()),
        Some("2026-12-01T09:00:00+08:00".to_string()),
        "Asia/Shanghai"
    );
    assert_eq!(
        a.expire_at.map(|t| t.to_rfc3339()),
        Some("2026-12-31T18:00:00+08:00".to_string())
    );
    let mut s2 = Replica::default();
    s2.sync(&server, &at_s2, 500).await;
    assert!(
        !s2.ids(Kind::Article).contains(&"s1-market".to_string()),
        "another station's kiosk never gets it"
    );
}

/// Posts the section's icon form: a file (`Some`) or "use the built-in drawing" (`None`).
async fn post_icon(
    b: &Browser,
    section: &str,
    file: Option<(&str, Vec<u8>)>,
) -> console_common::Page {
    let edit = format!("/console/content/sections/{section}");
    let token = b.get(&edit).await.csrf();
    let form = match file {
        Some((name, bytes)) => reqwest::multipart::Form::new().part(
            "file",
            reqwest::multipart::Part::bytes(bytes).file_name(name.to_string()),
        ),
        None => reqwest::multipart::Form::new().text("builtin", "1"),
    };
    let r = b
        .http
        .post(b.url(&format!("{edit}/icon?csrf={token}")))
        .multipart(form)
        .send()
        .await
        .expect("request");
    console_common::Page {
        status: r.status().as_u16(),
        headers: r.headers().clone(),
        body: r.text().await.unwrap_or_default(),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sections_own_icon_is_uploaded_checked_kept_published_and_can_go_back_to_built_in() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    let kiosk = server.kiosk("lobby-1", "s1");
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let edit = b.get("/console/content/sections/beautiful").await;
    assert!(
        edit.body.contains("id=\"section-icon-form\""),
        "{}",
        edit.body
    );
    assert!(edit.body.contains("本栏目显示上面选择的内置图标"));

    // Refused by the icon rules, in the console's language, next to the field; nothing saved.
    let scripted =
        br#"<svg xmlns="http://www.w3.org/2000/svg"><circle r="4" onclick="x()"/></svg>"#;
    let page = post_icon(&b, "beautiful", Some(("a.svg", scripted.to_vec()))).await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("data-field=\"icon_file\""),
        "{}",
        page.body
    );
    assert!(page.body.contains("事件处理属性“onclick”"), "{}", page.body);
    let page = post_icon(&b, "beautiful", Some(("a.gif", b"GIF89a".to_vec()))).await;
    assert_eq!(page.status, 422);
    assert!(
        page.body.contains("图标必须是 SVG 或 PNG 文件"),
        "{}",
        page.body
    );
    assert!(
        b.get("/console/content")
            .await
            .body
            .contains("草稿里没有待发布的修改")
    );

    // A good one goes into the draft; saving the main form afterwards keeps it.
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><path d="M8 40h32L24 8z" fill="#fff"/></svg>"##;
    let page = post_icon(&b, "beautiful", Some(("tri.svg", svg.to_vec()))).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let mut beautiful = section_form("beautiful", "The city, renamed", "#1E88E5");
    beautiful.retain(|(k, _)| !["id", "title_zh", "title_en"].contains(k));
    beautiful.extend([
        ("title_zh", "美丽中山"),
        ("title_en", "Beautiful Zhongshan"),
    ]);
    let page = b
        .post(
            "/console/content/sections/beautiful",
            "/console/content/sections/beautiful",
            &beautiful,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(
        b.get("/console/content/sections/beautiful")
            .await
            .body
            .contains("本栏目使用自有图标（image/svg+xml）")
    );
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let mut replica = Replica::default();
    replica.sync(&server, &kiosk, 500).await;
    let section = |replica: &Replica| match replica
        .records
        .get(&(Kind::Section, "beautiful".to_string()))
    {
        Some(Record::Section(s)) => s.clone(),
        other => panic!("{other:?}"),
    };
    let published = section(&replica);
    assert_eq!(published.subtitle.en, "The city, renamed");
    let icon = published.icon_file.expect("the icon was published");
    assert_eq!(icon.sha256, protocol::content::sha256_hex(svg));
    let blob = server
        .get(&format!("/v1/blobs/sha256/{}", icon.sha256), &kiosk)
        .await;
    assert_eq!(blob.status(), 200);

    // Back to the built-in drawing.
    let page = post_icon(&b, "beautiful", None).await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b
        .post("/console/content", "/console/content/publish", &[])
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    replica.sync(&server, &kiosk, 500).await;
    let back = section(&replica);
    assert!(back.icon_file.is_none());
    assert_eq!(
        back.icon, "handshake",
        "the built-in drawing the form chose"
    );
}

/// The image files on disk under the blob folder (not its `tmp`/`quarantine` folders).
fn stored_blobs(root: &std::path::Path) -> Vec<String> {
    let mut out = Vec::new();
    for dir in std::fs::read_dir(root).expect("blob folder").flatten() {
        let name = dir.file_name().to_string_lossy().to_string();
        if name.len() != 2 || !dir.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(dir.path())
            .expect("blob subfolder")
            .flatten()
        {
            out.push(f.file_name().to_string_lossy().to_string());
        }
    }
    out.sort();
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_blob_folder_that_cannot_be_written_is_said_next_to_the_field_and_changes_nothing() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let root = server.config().blob_dir();
    let blobs_before = stored_blobs(&root);
    let media_before = server
        .state
        .db
        .read(district_server::storage::media::list)
        .await
        .expect("reads")
        .len();
    // A file where the store's work folder should be: every write fails (chmod would not do:
    // CI runs the tests as root, whom permissions do not stop).
    let tmp = root.join("tmp");
    std::fs::remove_dir_all(&tmp).expect("removes tmp");
    std::fs::write(&tmp, b"not a folder").expect("plants a file");

    let picture = common::png(61);
    let sha = protocol::content::sha256_hex(&picture);
    let page = upload(&b, "港湾.png", picture.clone()).await;
    assert_eq!(page.status, 500, "{}", page.body);
    let at_field = "<span class=\"field-error\" role=\"alert\" data-field=\"file\">服务器无法写入存放文件的文件夹";
    assert!(page.body.contains(at_field), "{}", page.body);
    assert!(!page.body.contains("os error"), "no io::Error text");
    assert!(!page.body.contains("blob store"), "no English cause");
    let en = Browser::new(&server.base);
    en.get("/console/lang/en?next=%2Fconsole%2F").await;
    en.login("ed").await;
    let page = upload(&en, "harbour.png", picture.clone()).await;
    assert_eq!(page.status, 500);
    assert!(
        page.body
            .contains("The server cannot write to the folder it keeps files in"),
        "{}",
        page.body
    );
    // The section's own icon, uploaded through its own form, is refused the same way.
    let svg = br##"<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 48 48"><path d="M8 40h32L24 8z" fill="#fff"/></svg>"##;
    let page = post_icon(&b, "beautiful", Some(("tri.svg", svg.to_vec()))).await;
    assert_eq!(page.status, 500, "{}", page.body);
    assert!(
        page.body
            .contains("data-field=\"icon_file\">服务器无法写入存放文件的文件夹"),
        "{}",
        page.body
    );
    // Nothing changed: no file, no library row, no draft.
    assert_eq!(stored_blobs(&root), blobs_before);
    let media_after = server
        .state
        .db
        .read(district_server::storage::media::list)
        .await
        .expect("reads");
    assert_eq!(media_after.len(), media_before);
    assert!(
        b.get("/console/content")
            .await
            .body
            .contains("草稿里没有待发布的修改")
    );

    // With the folder back, the same upload is stored: it was the folder, nothing else.
    std::fs::remove_file(&tmp).expect("removes the file");
    std::fs::create_dir(&tmp).expect("folder back");
    let page = upload(&b, "港湾.png", picture).await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert!(stored_blobs(&root).contains(&sha));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn long_texts_are_textareas_and_keep_the_line_breaks_a_browser_sends() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    for (path, fields) in [
        ("/console/content/district", ["intro_zh", "intro_en"]),
        ("/console/content/stations/s1", ["summary_zh", "summary_en"]),
        (
            "/console/content/articles/harbour-walk",
            ["summary_zh", "summary_en"],
        ),
        (
            "/console/content/rooms/new",
            ["description_zh", "description_en"],
        ),
    ] {
        let page = b.get(path).await;
        assert_eq!(page.status, 200, "{path}: {}", page.body);
        for f in fields {
            assert!(
                page.body.contains(&format!("<textarea id=\"{f}\"")),
                "{path}: {f} is a textarea: {}",
                page.body
            );
        }
    }
    // A browser sends a textarea's line breaks as CR LF; they are kept as line breaks, not
    // refused as control characters.
    let mut form = brand_form("Welcome", "#C0392B", "");
    form.retain(|(k, _)| !k.starts_with("intro_"));
    form.extend([
        ("intro_zh", "城市与文化\r\n身边的服务"),
        ("intro_en", "The city and its culture\r\nServices nearby"),
    ]);
    let page = b
        .post(
            "/console/content/district",
            "/console/content/district",
            &form,
        )
        .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b.get("/console/content/district").await;
    assert!(
        page.body
            .contains(">The city and its culture\nServices nearby</textarea>"),
        "{}",
        page.body
    );
    assert!(page.body.contains(">城市与文化\n身边的服务</textarea>"));
}

/// The `img{N}_sha` values of an article's edit page, in the order shown.
fn image_shas(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for i in 0.. {
        let marker = format!("name=\"img{i}_sha\" value=\"");
        let Some(at) = body.find(&marker) else { break };
        let at = at + marker.len();
        out.push(body[at..at + 64].to_string());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_articles_images_are_reordered_by_their_numbers_into_the_draft() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let second = common::png(55);
    let second_sha = protocol::content::sha256_hex(&second);
    assert_eq!(upload(&b, "second.png", second).await.status, 303);
    let edit = "/console/content/articles/harbour-walk";
    let first = image_shas(&b.get(edit).await.body);
    assert_eq!(first.len(), 1);
    let base = |extra: &[(&'static str, String)]| {
        let mut form: Vec<(&str, String)> =
            article_form("harbour-walk", "Harbour walk", "First paragraph")
                .into_iter()
                .filter(|(k, _)| *k != "body_zh" && *k != "id")
                .map(|(k, v)| (k, v.to_string()))
                .collect();
        form.push(("body_zh", "第一段".into()));
        form.extend(extra.iter().cloned());
        form
    };
    let post = |form: Vec<(&'static str, String)>| {
        let b = &b;
        async move {
            let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
            b.post(edit, edit, &pairs).await
        }
    };
    // Add the second image after the first.
    let page = post(base(&[
        ("img0_sha", first[0].clone()),
        ("img0_alt_zh", "海港".into()),
        ("img0_alt_en", "The harbour".into()),
        ("new_sha", second_sha.clone()),
        ("new_alt_zh", "第二张".into()),
        ("new_alt_en", "The second".into()),
    ]))
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    assert_eq!(
        image_shas(&b.get(edit).await.body),
        vec![first[0].clone(), second_sha.clone()]
    );
    // Numbers put the second first (what console.js writes when one is dragged).
    let page = post(base(&[
        ("img0_sha", first[0].clone()),
        ("img0_alt_zh", "海港".into()),
        ("img0_alt_en", "The harbour".into()),
        ("img0_order", "2".into()),
        ("img1_sha", second_sha.clone()),
        ("img1_alt_zh", "第二张".into()),
        ("img1_alt_en", "The second".into()),
        ("img1_order", "1".into()),
    ]))
    .await;
    assert_eq!(page.status, 303, "{}", page.body);
    let page = b.get(edit).await;
    assert_eq!(
        image_shas(&page.body),
        vec![second_sha.clone(), first[0].clone()]
    );
    assert!(
        page.body
            .contains("name=\"img0_alt_en\" value=\"The second\""),
        "the alt texts moved with their images"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_order_of_sections_is_saved_by_its_numbers_all_at_once_or_not_at_all() {
    let server = TestServer::start().await;
    server.push(&manifest()).await;
    add_user(&server.config(), "ed", StaffRole::Editor);
    let b = Browser::new(&server.base);
    b.login("ed").await;
    let page = b.get("/console/content/section-order").await;
    assert_eq!(page.status, 200, "{}", page.body);
    let beautiful = page
        .body
        .find("data-section=\"beautiful\"")
        .expect("listed");
    let stations = page.body.find("data-section=\"stations\"").expect("listed");
    assert!(beautiful < stations, "in their order");
    // A number that is not one: said next to its field, nothing drafted.
    let page = b
        .post(
            "/console/content/section-order",
            "/console/content/section-order",
            &[("order_beautiful", "first"), ("order_stations", "1")],
        )
        .await;
    assert_eq!(page.status, 422, "{}", page.body);
    assert!(
        page.body.contains("data-field=\"order_beautiful\""),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("value=\"first\""),
        "what was typed stays"
    );
    let overview = b.get("/console/content").await;
    assert!(overview.body.contains("草稿里没有待发布的修改"));
    // The same numbers: nothing to save.
    let page = b
        .post(
            "/console/content/section-order",
            "/console/content/section-order",
            &[("order_beautiful", "1"), ("order_stations", "2")],
        )
        .await;
    assert_eq!(
        page.location(),
        "/console/content?done=sections-order-unchanged"
    );
    // Swapped: both sections drafted in one step, listed in the new order.
    let page = b
        .post(
            "/console/content/section-order",
            "/console/content/section-order",
            &[("order_beautiful", "2"), ("order_stations", "1")],
        )
        .await;
    assert_eq!(
        page.location(),
        "/console/content?done=sections-order-saved"
    );
    let overview = b.get("/console/content?done=sections-order-saved").await;
    assert!(overview.body.contains("新的栏目顺序已存入草稿"));
    let page = b.get("/console/content/section-order").await;
    let beautiful = page
        .body
        .find("data-section=\"beautiful\"")
        .expect("listed");
    let stations = page.body.find("data-section=\"stations\"").expect("listed");
    assert!(stations < beautiful, "the drafted order");
    let drafted = server
        .state
        .db
        .read(district_server::storage::drafts::list)
        .await
        .expect("reads");
    let ids: Vec<&str> = drafted.iter().map(|d| d.id.as_str()).collect();
    assert_eq!(drafted.len(), 2, "{ids:?}");
    assert!(drafted.iter().all(|d| d.kind == Kind::Section));
}
