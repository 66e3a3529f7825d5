import PluginHost
import Testing
@testable import CloverServices

@Suite struct SecretMaskingTests {
    let masking = SecretMasking(privateKeys: PrivateProperties(listed: "*apikey*"))

    @Test func propertiesKeepEverythingButSecretValues() {
        let file = "#Connection to dwh\ndbURL=jdbc\\:postgresql\\://db\\:5432/dwh\nuser=etl\npassword=Pa55\n  db.Password : Other1\napikey Xyz\n# password=commented\n"
        let (text, count) = masking.masked(file, path: "conn/DWH.cfg")
        #expect(count == 3)
        #expect(text == "#Connection to dwh\ndbURL=jdbc\\:postgresql\\://db\\:5432/dwh\nuser=etl\npassword=*****\n  db.Password : *****\napikey *****\n# password=commented\n")
    }

    @Test func graphAttributesAndNamedValuesAreMasked() {
        let graph = """
            <Connection dbURL="jdbc:postgresql://db/dwh" id="JDBC0" password="Pa55" user="etl"/>
            <Property name="dbPassword" value="Secret9"/>
            <Property name="user" value="etl"/>
            """
        let (text, count) = masking.masked(graph, path: "graph/LoadOrders.grf")
        #expect(count == 2)
        #expect(!text.contains("Pa55") && !text.contains("Secret9"))
        #expect(text.contains(#"user="etl""#) && text.contains(#"<Property name="user" value="etl"/>"#))
        #expect(text.contains(#"dbURL="jdbc:postgresql://db/dwh""#))
    }

    @Test func credentialsInsideURLsAreMaskedAsInTheConfiguration() {
        let file = "dbURL=jdbc\\:postgresql\\://etl\\:S3cret@db\\:5432/dwh?ssl=true\nuser=etl\n"
        let (text, count) = masking.masked(file, path: "conn/DWH.cfg")
        #expect(count == 1 && !text.contains("S3cret") && text.contains("@db\\:5432/dwh") && text.hasSuffix("user=etl\n"))
        let graph = #"<Connection dbURL="jdbc:postgresql://etl:S3cret@db/dwh" id="JDBC0" password=""/>"#
        let masked = masking.masked(graph, path: "graph/Load.grf")
        #expect(masked.count == 1 && !masked.text.contains("S3cret") && masked.text.contains(#"password="""#))
    }

    @Test func otherFilesAreLeftAlone() {
        let data = "id;password\n1;not-a-secret-column\n"
        #expect(masking.masked(data, path: "data-in/orders.csv") == (data, 0))
    }
}
