#include "domains/exchange/xml_reader.hpp"

#include <expat.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <vector>

#include <gtest/gtest.h>

#include <spdlog/sinks/ringbuffer_sink.h>
#include <spdlog/spdlog.h>
#include <unistd.h>
#include "core/text.hpp"

#include "core/error.hpp"

using namespace upravdom;
using namespace upravdom::exchange;
using json = nlohmann::json;

namespace {

class XmlReaderTest : public ::testing::Test {
 protected:
  ~XmlReaderTest() override {
    for (const auto& path : files_) std::filesystem::remove(path);
  }

  std::string File(const std::string& content) {
    auto path = std::filesystem::temp_directory_path() /
                ("upravdom-xml-test-" + std::to_string(::getpid()) + "-" +
                 std::to_string(files_.size()) + ".xml");
    std::ofstream(path, std::ios::binary) << content;
    files_.push_back(path);
    return path.string();
  }

  static std::vector<json> Records(const std::string& path) {
    std::vector<json> out;
    ForEachXmlRecord(path, [&](size_t index, json& record) {
      EXPECT_EQ(index, out.size());
      out.push_back(record);
      return true;
    });
    return out;
  }

  // The Russian message of the ApiError ReadXmlHeader throws (fails the test when none).
  static std::string HeaderError(const std::string& path) {
    try {
      ReadXmlHeader(path);
    } catch (const ApiError& error) {
      EXPECT_EQ(error.code(), ErrorCode::kValidationFailed);
      EXPECT_EQ(error.fields().count("file"), 1u) << error.what();
      return error.message();
    }
    ADD_FAILURE() << "ReadXmlHeader accepted " << path;
    return "";
  }

  std::vector<std::filesystem::path> files_;
};

constexpr const char* kExample = R"(<?xml version="1.0" encoding="UTF-8"?>
<upravdom-import version="1" space="operations" source="1c">
  <record>
    <premise external_id="P-77" object_external_id="H-1" type="flat" number="15"
             total_area="54.3" living_area="32,1" rooms="2"/>
    <clients>
      <client external_id="C-1001" last_name="Иванов" first_name="Иван" phone="89123456789"
              role="owner" share="1/2"/>
      <client external_id="C-1002" last_name="Иванова &amp; Ко" middle_name="" role="owner"/>
    </clients>
    <accounts>
      <account external_id="LS-5501" legal_entity_inn="7707083893" number="5501"
               hidden_from_resident="true"/>
    </accounts>
  </record>
  <record><client external_id="C-2" last_name="Петров" phone="+79120000003"/></record>
  <record>
    <premise external_id="P-78" object_id="3" rooms="два" total_area="1e3"/>
    <clients/>
    <accounts><account legal_entity_inn="7707083893" number="0042" hidden_from_resident="0"/></accounts>
  </record>
</upravdom-import>
)";

TEST_F(XmlReaderTest, ReadsTheHeaderAndCountsRecords) {
  XmlHeader header = ReadXmlHeader(File(kExample));
  EXPECT_EQ(header.space, "operations");
  EXPECT_EQ(header.source, "1c");
  EXPECT_EQ(header.records, 3u);

  XmlHeader defaults =
      ReadXmlHeader(File("<upravdom-import><record><client external_id=\"C\"/></record>"
                         "</upravdom-import>"));
  EXPECT_EQ(defaults.space, std::nullopt) << "not named: the importer's default applies";
  EXPECT_EQ(defaults.source, std::nullopt);
  EXPECT_EQ(defaults.records, 1u);

  // Named, even as the upload's defaults: a scheduled run must not take the settings' instead.
  XmlHeader named = ReadXmlHeader(File(
      "<upravdom-import space=\"operations\" source=\"xml\"><record><client external_id=\"C\"/>"
      "</record></upravdom-import>"));
  EXPECT_EQ(named.space, "operations");
  EXPECT_EQ(named.source, "xml");
  EXPECT_EQ(ReadXmlHeader(File("<upravdom-import space=\"construction\"><record/>"
                               "</upravdom-import>"))
                .space,
            "construction");
}

TEST_F(XmlReaderTest, RecordsAreTheJsonRecordsOfTheImportApi) {
  std::vector<json> records = Records(File(kExample));
  ASSERT_EQ(records.size(), 3u);
  EXPECT_EQ(records[0], json::parse(R"({
    "premise": {"external_id": "P-77", "object_external_id": "H-1", "type": "flat",
                "number": "15", "total_area": 54.3, "living_area": 32.1, "rooms": 2},
    "clients": [
      {"external_id": "C-1001", "last_name": "Иванов", "first_name": "Иван",
       "phone": "89123456789", "role": "owner", "share": "1/2"},
      {"external_id": "C-1002", "last_name": "Иванова & Ко", "middle_name": null,
       "role": "owner"}],
    "accounts": [{"external_id": "LS-5501", "legal_entity_inn": "7707083893", "number": "5501",
                  "hidden_from_resident": true}]})"));
  EXPECT_EQ(records[1], json::parse(R"({"client": {"external_id": "C-2", "last_name": "Петров",
                                                   "phone": "+79120000003"}})"));
  // A number field whose text is no number stays text: the engine names the field. Text
  // fields (number, ИНН) stay text even when they are digits.
  EXPECT_EQ(records[2], json::parse(R"({
    "premise": {"external_id": "P-78", "object_id": 3, "rooms": "два", "total_area": "1e3"},
    "clients": [],
    "accounts": [{"legal_entity_inn": "7707083893", "number": "0042",
                  "hidden_from_resident": false}]})"));
}

TEST_F(XmlReaderTest, EmptyAttributeIsNullAndBadBooleanStaysText) {
  std::vector<json> records = Records(
      File(R"(<upravdom-import><record><premise external_id="P" rooms="" total_area=" 5"/>)"
           R"(<accounts><account number="1" hidden_from_resident="yes"/></accounts></record>)"
           R"(</upravdom-import>)"));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_TRUE(records[0]["premise"]["rooms"].is_null());
  EXPECT_EQ(records[0]["premise"]["total_area"], " 5");
  EXPECT_EQ(records[0]["accounts"][0]["hidden_from_resident"], "yes");
}

TEST_F(XmlReaderTest, ManyRecordsAcrossChunksInOrderAndStop) {
  std::string xml = "<upravdom-import source=\"bench\">\n";
  for (int i = 0; i < 5000; ++i)
    xml += "  <record><premise external_id=\"P-" + std::to_string(i) +
           "\" object_id=\"1\" type=\"flat\" number=\"" + std::to_string(i) +
           "\"/><clients><client external_id=\"C-" + std::to_string(i) +
           "\" last_name=\"Клиентов\"/></clients></record>\n";
  xml += "</upravdom-import>\n";
  ASSERT_GT(xml.size(), 4u * 64 * 1024);  // several chunks of the reader
  const std::string path = File(xml);
  EXPECT_EQ(ReadXmlHeader(path).records, 5000u);
  std::vector<json> records = Records(path);
  ASSERT_EQ(records.size(), 5000u);
  for (size_t i = 0; i < records.size(); ++i)
    ASSERT_EQ(records[i]["premise"]["number"], std::to_string(i));

  size_t seen = 0;
  ForEachXmlRecord(path, [&](size_t index, json&) {
    seen = index + 1;
    return index < 9;
  });
  EXPECT_EQ(seen, 10u);
}

TEST_F(XmlReaderTest, RefusesAnXmlBomb) {
  const std::string message = HeaderError(File(R"(<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol2 "&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;&lol1;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol9 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<upravdom-import><record><client external_id="&lol9;"/></record></upravdom-import>
)"));
  EXPECT_NE(message.find("DOCTYPE"), std::string::npos) << message;
  EXPECT_NE(message.find("строка 2"), std::string::npos) << message;
}

TEST_F(XmlReaderTest, RefusesExternalEntities) {
  const std::string message = HeaderError(File(R"(<?xml version="1.0"?>
<!DOCTYPE upravdom-import [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<upravdom-import><record><client external_id="&xxe;"/></record></upravdom-import>
)"));
  EXPECT_NE(message.find("DOCTYPE"), std::string::npos) << message;
  // An external DTD alone is refused too (it is never fetched).
  EXPECT_NE(HeaderError(File("<!DOCTYPE upravdom-import SYSTEM \"http://127.0.0.1:1/x.dtd\">"
                             "<upravdom-import/>"))
                .find("DOCTYPE"),
            std::string::npos);
  // And an entity used without a DTD is an error, not an empty value.
  EXPECT_NE(HeaderError(File("<upravdom-import><record><client external_id=\"&xxe;\"/>"
                             "</record></upravdom-import>"))
                .find("неизвестная сущность"),
            std::string::npos);
}

TEST_F(XmlReaderTest, TruncatedFileNamesTheLine) {
  std::string xml = kExample;
  xml.resize(xml.find("<record><client"));
  const std::string message = HeaderError(File(xml));
  EXPECT_NE(message.find("оборван"), std::string::npos) << message;
  EXPECT_NE(message.find("строка 16"), std::string::npos) << message;
  // Cut inside a tag.
  xml = kExample;
  xml.resize(xml.find("last_name=\"Петров\""));
  EXPECT_NE(HeaderError(File(xml)).find("строка 16"), std::string::npos);
}

TEST_F(XmlReaderTest, ExpatsOwnTextGoesToTheLogNotToTheUser) {
  auto log = std::make_shared<spdlog::sinks::ringbuffer_sink_mt>(20);
  spdlog::default_logger()->sinks().push_back(log);
  // A malformed XML declaration: an error without a Russian name of its own.
  const std::string message =
      HeaderError(File("<?xml version=\"1.0\" foo=\"bar\"?>\n<upravdom-import/>"));
  // A control character by reference (not allowed in XML 1.0).
  const std::string control = HeaderError(
      File("<upravdom-import>\n<record><client external_id=\"&#1;\"/></record></upravdom-import>"));
  auto& sinks = spdlog::default_logger()->sinks();
  sinks.erase(std::remove(sinks.begin(), sinks.end(), log), sinks.end());
  EXPECT_EQ(message, "Файл XML повреждён, строка 1, символ 21: ошибка разбора");
  EXPECT_EQ(message.find(XML_ErrorString(XML_ERROR_XML_DECL)), std::string::npos);
  EXPECT_EQ(control,
            "Файл XML повреждён, строка 2, символ 30: ссылка на недопустимый символ (&#…;): "
            "управляющие символы в XML не допускаются");
  const std::vector<std::string> lines = log->last_formatted();
  const auto logged = [&](const char* text) {
    for (const std::string& line : lines)
      if (line.find(text) != std::string::npos) return true;
    return false;
  };
  EXPECT_TRUE(logged(XML_ErrorString(XML_ERROR_XML_DECL))) << "expat's own text is logged";
  EXPECT_TRUE(logged(XML_ErrorString(XML_ERROR_BAD_CHAR_REF)));
}

TEST_F(XmlReaderTest, WrongRootUnknownElementsAndText) {
  EXPECT_NE(HeaderError(File("<?xml version=\"1.0\"?>\n<offers><record/></offers>"))
                .find("корневой элемент должен быть <upravdom-import>, а не <offers>"),
            std::string::npos);
  const std::string unknown = HeaderError(File(
      "<upravdom-import>\n<record>\n<premise external_id=\"P\"/>\n<owner id=\"1\"/>\n</record>\n"
      "</upravdom-import>"));
  EXPECT_NE(unknown.find("строка 4"), std::string::npos) << unknown;
  EXPECT_NE(unknown.find("неизвестный элемент <owner>"), std::string::npos) << unknown;
  EXPECT_NE(HeaderError(File("<upravdom-import><item/></upravdom-import>")).find("<record>"),
            std::string::npos);
  EXPECT_NE(HeaderError(File("<upravdom-import><record><clients><account number=\"1\"/>"
                             "</clients></record></upravdom-import>"))
                .find("только элементы <client>"),
            std::string::npos);
  EXPECT_NE(HeaderError(File("<upravdom-import><record><client external_id=\"C\">Иванов"
                             "</client></record></upravdom-import>"))
                .find("атрибутами"),
            std::string::npos);
  EXPECT_NE(HeaderError(File("<upravdom-import><record><client external_id=\"1\"/>"
                             "<client external_id=\"2\"/></record></upravdom-import>"))
                .find("повторяется"),
            std::string::npos);
  EXPECT_NE(HeaderError(File("<upravdom-import space=\"moon\"><record/></upravdom-import>"))
                .find("space"),
            std::string::npos);
  EXPECT_NE(HeaderError(File("<upravdom-import version=\"2\"><record/></upravdom-import>"))
                .find("версия"),
            std::string::npos);
}

TEST_F(XmlReaderTest, EmptyOrNoRecords) {
  EXPECT_NE(HeaderError(File("")).find("пуст"), std::string::npos);
  EXPECT_NE(HeaderError(File("<upravdom-import/>")).find("нет ни одной записи"), std::string::npos);
  EXPECT_NE(HeaderError(File("<upravdom-import></upravdom-import> junk")).find("после"),
            std::string::npos);
  EXPECT_NE(HeaderError("/nonexistent/upravdom.xml").find("Не удалось открыть"), std::string::npos);
}

TEST_F(XmlReaderTest, RecordLimit) {
  std::string xml = "<upravdom-import>";
  xml.reserve((kMaxRecords + 1) * 30);
  for (size_t i = 0; i <= kMaxRecords; ++i) xml += "<record><client/></record>";
  xml += "</upravdom-import>";
  EXPECT_NE(HeaderError(File(xml)).find("не более 200000 записей"), std::string::npos);
}

TEST_F(XmlReaderTest, ListsOfOneRecordAreBounded) {
  // One record is built whole in memory: a list of millions of clients is refused.
  std::string xml = "<upravdom-import><record><premise external_id=\"P\"/><clients>";
  for (int i = 0; i < 1001; ++i) xml += "<client/>";
  xml += "</clients></record></upravdom-import>";
  EXPECT_NE(HeaderError(File(xml)).find("больше 1000 элементов"), std::string::npos);
}

TEST_F(XmlReaderTest, AttributesAndTheBytesOfOneRecordAreBounded) {
  // One record is built whole as JSON (several times its text): its elements' attributes and
  // the record's bytes are capped, whatever the file's size.
  std::string many = "<upravdom-import><record><client external_id=\"C\"";
  for (int i = 0; i < 64; ++i) many += " a" + std::to_string(i) + "=\"\"";
  many += "/></record></upravdom-import>";
  std::string message = HeaderError(File(many));
  EXPECT_NE(message.find("у <client> больше 64 атрибутов"), std::string::npos) << message;

  // 1,000 clients of 1.1 KB each: over 1 MB in one record.
  std::string big = "<upravdom-import><record><premise external_id=\"P\"/><clients>";
  for (int i = 0; i < 1000; ++i)
    big += "<client external_id=\"C" + std::to_string(i) + "\" note=\"" + std::string(1100, 'x') +
           "\"/>";
  big += "</clients></record></upravdom-import>";
  message = HeaderError(File(big));
  EXPECT_NE(message.find("запись больше 1 МБ"), std::string::npos) << message;

  // 63 attributes and a record under 1 MB are read.
  std::string fits = "<upravdom-import><record><client external_id=\"C\"";
  for (int i = 0; i < 62; ++i) fits += " a" + std::to_string(i) + "=\"\"";
  fits += "/></record></upravdom-import>";
  EXPECT_EQ(Records(File(fits)).size(), 1u);
}

TEST_F(XmlReaderTest, AQuotedTextIsCutBetweenCharacters) {
  // 41 Cyrillic letters (2 bytes each) between tags: cut at 40 bytes, the message would end
  // in half a letter — invalid UTF-8 that PostgreSQL refuses in the log and the report.
  std::string letters;
  for (int i = 0; i < 41; ++i) letters += "ж";
  const std::string message =
      HeaderError(File("<upravdom-import><record>" + letters + "</record></upravdom-import>"));
  EXPECT_TRUE(text::IsValidUtf8(message)) << message;
  EXPECT_NE(message.find("текст «" + letters.substr(0, 80) + "…»"), std::string::npos) << message;
}

TEST_F(XmlReaderTest, Windows1251) {
  // «Иванов» in windows-1251, as 1С may write it.
  const std::string xml =
      "<?xml version=\"1.0\" encoding=\"windows-1251\"?><upravdom-import><record><client "
      "external_id=\"C\" last_name=\"\xC8\xE2\xE0\xED\xEE\xE2\"/></record></upravdom-import>";
  std::vector<json> records = Records(File(xml));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["client"]["last_name"], "Иванов");
  EXPECT_NE(HeaderError(File("<?xml version=\"1.0\" encoding=\"koi8-r\"?><upravdom-import/>"))
                .find("кодировка"),
            std::string::npos);
}

TEST_F(XmlReaderTest, AHugeTagIsRefusedNotBuffered) {
  // One attribute of 12 MB: expat would hold it whole; the parser's memory is capped (8 MB).
  std::string xml = "<upravdom-import><record><client external_id=\"";
  xml.append(12u << 20, 'x');
  xml += "\"/></record></upravdom-import>";
  const std::string message = HeaderError(File(xml));
  EXPECT_NE(message.find("слишком длинный"), std::string::npos) << message;
}

}  // namespace
