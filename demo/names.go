package demo

// unitSpec is a unit to generate: its code, its name and, for a few units,
// a fixed quality instead of a random one.
type unitSpec struct {
	code, name string
	quality    float64 // 0: drawn at random
}

// Hanoi's city departments and agencies of equivalent rank (sở, cơ quan
// tương đương sở), 23 as evaluated in 2024.
var hanoiDepartments = []unitSpec{
	{code: "SO-NV", name: "Sở Nội vụ"},
	{code: "SO-TC", name: "Sở Tài chính"},
	{code: "SO-KHDT", name: "Sở Kế hoạch và Đầu tư"},
	{code: "SO-TP", name: "Sở Tư pháp"},
	{code: "SO-CT", name: "Sở Công Thương"},
	{code: "SO-XD", name: "Sở Xây dựng"},
	{code: "SO-GTVT", name: "Sở Giao thông vận tải"},
	{code: "SO-QHKT", name: "Sở Quy hoạch - Kiến trúc"},
	{code: "SO-TNMT", name: "Sở Tài nguyên và Môi trường"},
	{code: "SO-NNPTNT", name: "Sở Nông nghiệp và Phát triển nông thôn"},
	{code: "SO-LDTBXH", name: "Sở Lao động - Thương binh và Xã hội"},
	{code: "SO-GDDT", name: "Sở Giáo dục và Đào tạo"},
	{code: "SO-YT", name: "Sở Y tế"},
	{code: "SO-VHTT", name: "Sở Văn hóa và Thể thao"},
	{code: "SO-DL", name: "Sở Du lịch"},
	{code: "SO-KHCN", name: "Sở Khoa học và Công nghệ"},
	{code: "SO-TTTT", name: "Sở Thông tin và Truyền thông"},
	{code: "SO-NGV", name: "Sở Ngoại vụ"},
	{code: "SO-TTR", name: "Thanh tra Thành phố"},
	{code: "SO-VP", name: "Văn phòng UBND Thành phố"},
	{code: "SO-BDT", name: "Ban Dân tộc Thành phố"},
	{code: "SO-KCN", name: "Ban Quản lý các khu công nghiệp và chế xuất Hà Nội"},
	{code: "SO-VPDDBQH", name: "Văn phòng Đoàn đại biểu Quốc hội và HĐND Thành phố"},
}

// Hanoi's 30 district-level committees in 2024: 12 urban districts, one town
// and 17 rural districts. Hoàn Kiếm and Nam Từ Liêm get a high fixed quality:
// Generate gives them exactly equal indexes (as Hanoi published for 2023).
var hanoiDistricts = []unitSpec{
	{code: "QH-BD", name: "UBND quận Ba Đình"},
	{code: "QH-HK", name: "UBND quận Hoàn Kiếm", quality: 0.96},
	{code: "QH-TH", name: "UBND quận Tây Hồ"},
	{code: "QH-LB", name: "UBND quận Long Biên"},
	{code: "QH-CG", name: "UBND quận Cầu Giấy"},
	{code: "QH-DD", name: "UBND quận Đống Đa"},
	{code: "QH-HBT", name: "UBND quận Hai Bà Trưng"},
	{code: "QH-HM", name: "UBND quận Hoàng Mai"},
	{code: "QH-TX", name: "UBND quận Thanh Xuân"},
	{code: "QH-NTL", name: "UBND quận Nam Từ Liêm", quality: 0.96},
	{code: "QH-BTL", name: "UBND quận Bắc Từ Liêm"},
	{code: "QH-HD", name: "UBND quận Hà Đông"},
	{code: "QH-ST", name: "UBND thị xã Sơn Tây"},
	{code: "QH-BV", name: "UBND huyện Ba Vì"},
	{code: "QH-CM", name: "UBND huyện Chương Mỹ"},
	{code: "QH-DP", name: "UBND huyện Đan Phượng"},
	{code: "QH-DA", name: "UBND huyện Đông Anh"},
	{code: "QH-GL", name: "UBND huyện Gia Lâm"},
	{code: "QH-HDU", name: "UBND huyện Hoài Đức"},
	{code: "QH-ML", name: "UBND huyện Mê Linh"},
	{code: "QH-MD", name: "UBND huyện Mỹ Đức"},
	{code: "QH-PX", name: "UBND huyện Phú Xuyên"},
	{code: "QH-PT", name: "UBND huyện Phúc Thọ"},
	{code: "QH-QO", name: "UBND huyện Quốc Oai"},
	{code: "QH-SS", name: "UBND huyện Sóc Sơn"},
	{code: "QH-TTH", name: "UBND huyện Thạch Thất"},
	{code: "QH-TO", name: "UBND huyện Thanh Oai"},
	{code: "QH-TTR", name: "UBND huyện Thanh Trì"},
	{code: "QH-TTI", name: "UBND huyện Thường Tín"},
	{code: "QH-UH", name: "UBND huyện Ứng Hòa"},
}

// The tie Generate arranges at the hanoi scale.
const (
	tieBlock  = "QH"
	tieUnitA  = "QH-HK"
	tieUnitB  = "QH-NTL"
	tieTarget = 9570 // 95.70 points on a 100-point scale
)

// Central agencies in the city (cơ quan Trung ương đóng trên địa bàn).
var hanoiCentral = []unitSpec{
	{code: "TW-KB", name: "Kho bạc Nhà nước Hà Nội"},
	{code: "TW-CT", name: "Cục Thuế Hà Nội"},
	{code: "TW-HQ", name: "Cục Hải quan Hà Nội"},
	{code: "TW-BHXH", name: "Bảo hiểm xã hội Hà Nội"},
}

// Public service units under the city committee (đơn vị sự nghiệp công lập).
var hanoiPublicServiceUnits = []unitSpec{
	{code: "SN-KTDT", name: "Báo Kinh tế & Đô thị"},
	{code: "SN-HNM", name: "Báo Hà Nội mới"},
	{code: "SN-DPTTH", name: "Đài Phát thanh và Truyền hình Hà Nội"},
	{code: "SN-DHTD", name: "Trường Đại học Thủ đô Hà Nội"},
	{code: "SN-VNC", name: "Viện Nghiên cứu phát triển kinh tế - xã hội Hà Nội"},
	{code: "SN-DSDT", name: "Ban Quản lý đường sắt đô thị Hà Nội"},
	{code: "SN-QLDD", name: "Ban Quản lý dự án đầu tư xây dựng công trình dân dụng Thành phố"},
	{code: "SN-QLGT", name: "Ban Quản lý dự án đầu tư xây dựng công trình giao thông Thành phố"},
	{code: "SN-QLCTN", name: "Ban Quản lý dự án đầu tư xây dựng công trình cấp nước, thoát nước và môi trường Thành phố"},
	{code: "SN-QLVHXH", name: "Ban Quản lý dự án đầu tư xây dựng công trình văn hóa - xã hội Thành phố"},
	{code: "SN-QLNN", name: "Ban Quản lý dự án đầu tư xây dựng công trình nông nghiệp và phát triển nông thôn Thành phố"},
	{code: "SN-TDDT", name: "Ban Quản lý các dự án trọng điểm phát triển đô thị Hà Nội"},
	{code: "SN-TANGAN", name: "Ban Quản lý dự án hạ tầng Tả Ngạn"},
	{code: "SN-QDT", name: "Quỹ Đầu tư phát triển Thành phố Hà Nội"},
	{code: "SN-XTDT", name: "Trung tâm Xúc tiến đầu tư, thương mại, du lịch Thành phố Hà Nội"},
}

// More public service units for the city scale.
var morePublicServiceUnits = []unitSpec{
	{code: "SN-DSTL", name: "Trung tâm Bảo tồn di sản Thăng Long - Hà Nội"},
	{code: "SN-PVHCC", name: "Trung tâm Phục vụ hành chính công Thành phố"},
	{code: "SN-CDYT", name: "Trường Cao đẳng Y tế Hà Nội"},
	{code: "SN-CDCNC", name: "Trường Cao đẳng nghề Công nghệ cao Hà Nội"},
	{code: "SN-CDC", name: "Trung tâm Kiểm soát bệnh tật Thành phố"},
	{code: "SN-DVVL", name: "Trung tâm Dịch vụ việc làm Hà Nội"},
	{code: "SN-TV", name: "Thư viện Hà Nội"},
	{code: "SN-CHEO", name: "Nhà hát Chèo Hà Nội"},
	{code: "SN-QTMT", name: "Trung tâm Quan trắc môi trường Thành phố"},
	{code: "SN-CNTT", name: "Trung tâm Công nghệ thông tin và Truyền thông Thành phố"},
	{code: "SN-RPH", name: "Ban Quản lý rừng phòng hộ, đặc dụng Thành phố"},
	{code: "SN-KN", name: "Trung tâm Khuyến nông Thành phố"},
	{code: "SN-BLTD", name: "Quỹ Bảo lãnh tín dụng cho doanh nghiệp nhỏ và vừa Thành phố"},
	{code: "SN-DKX", name: "Trung tâm Đăng kiểm xe cơ giới Thành phố"},
	{code: "SN-PTQD", name: "Trung tâm Phát triển quỹ đất Thành phố"},
}

// Parts of commune and ward names: 20 × 20 = 400 distinct names (the two
// lists share no word, so no name repeats a word).
var (
	placeFirst  = []string{"An", "Bình", "Tân", "Phú", "Hòa", "Long", "Thạnh", "Vĩnh", "Đông", "Tây", "Nam", "Bắc", "Quang", "Minh", "Hưng", "Thanh", "Xuân", "Đức", "Hồng", "Kim"}
	placeSecond = []string{"Thọ", "Khánh", "Thịnh", "Lợi", "Định", "Cường", "Điền", "Hiệp", "Thành", "Lộc", "Tiến", "Phong", "Sơn", "Lâm", "Hải", "Trung", "Mỹ", "Nghĩa", "Thuận", "Quý"}
)

// placeName is the k-th (mod 400) generated place name.
func placeName(k int) string {
	k %= len(placeFirst) * len(placeSecond)
	return placeFirst[k/len(placeSecond)] + " " + placeSecond[k%len(placeSecond)]
}

// The 34 provinces and cities after the 2025 merger, which together have
// 3,321 communes, wards and special zones.
var provinces = []string{
	"Hà Nội", "Huế", "Lai Châu", "Điện Biên", "Sơn La", "Lạng Sơn", "Quảng Ninh", "Thanh Hóa",
	"Nghệ An", "Hà Tĩnh", "Cao Bằng", "Tuyên Quang", "Lào Cai", "Thái Nguyên", "Phú Thọ", "Bắc Ninh",
	"Hưng Yên", "Hải Phòng", "Ninh Bình", "Quảng Trị", "Đà Nẵng", "Quảng Ngãi", "Gia Lai", "Khánh Hòa",
	"Lâm Đồng", "Đắk Lắk", "TP. Hồ Chí Minh", "Đồng Nai", "Tây Ninh", "Cần Thơ", "Vĩnh Long", "Đồng Tháp",
	"Cà Mau", "An Giang",
}

// Council members: a chair, a vice-chair, eight members from departments
// (all ten vote) and a secretary, who does not.
var councilMembers = []struct {
	id, name, role, org string
}{
	{"TV01", "Trần Quang Minh", "chair", "Phó Chủ tịch UBND Thành phố"},
	{"TV02", "Lê Thị Thu Hà", "vice-chair", "Giám đốc Sở Nội vụ"},
	{"TV03", "Nguyễn Văn Hùng", "member", "Phó Giám đốc Sở Tư pháp"},
	{"TV04", "Phạm Thị Lan", "member", "Phó Chánh Văn phòng UBND Thành phố"},
	{"TV05", "Đỗ Minh Tuấn", "member", "Phó Giám đốc Sở Nội vụ"},
	{"TV06", "Hoàng Thị Mai", "member", "Phó Giám đốc Sở Tài chính"},
	{"TV07", "Vũ Đức Thắng", "member", "Phó Giám đốc Sở Thông tin và Truyền thông"},
	{"TV08", "Bùi Thanh Sơn", "member", "Phó Giám đốc Sở Kế hoạch và Đầu tư"},
	{"TV09", "Ngô Thị Hương", "member", "Phó Chánh Thanh tra Thành phố"},
	{"TV10", "Đặng Quốc Việt", "member", "Phó Giám đốc Sở Khoa học và Công nghệ"},
	{"TK01", "Trịnh Thị Ngọc Anh", "secretary", "Trưởng phòng Cải cách hành chính, Sở Nội vụ (tổ thư ký)"},
}

// fieldMember assigns each field (by its code, the same in every sample
// framework) to the member whose organisation appraises it in practice:
// Home Affairs for direction, organisation and civil service, Justice for
// institutions, the City Office for procedures, Finance for public finance,
// Information and Communications for digital government, Planning and
// Investment for the socio-economic impact, and the vice-chair for bonus and
// penalty points.
var fieldMember = []struct{ field, member string }{
	{"1", "TV02"}, {"2", "TV03"}, {"3", "TV04"}, {"4", "TV05"}, {"5", "TV05"},
	{"6", "TV06"}, {"7", "TV07"}, {"8", "TV08"}, {"9", "TV02"},
}

// crossCheck lists the members who also score some leaves of fields they are
// not assigned to (a second opinion): the City Inspectorate on direction and
// civil service, Science and Technology on procedures and digital government.
var crossCheck = []struct{ field, member string }{
	{"1", "TV09"}, {"5", "TV09"}, {"3", "TV10"}, {"7", "TV10"},
}

var deductReasons = []string{
	"Tài liệu kiểm chứng chưa đầy đủ so với yêu cầu của tiêu chí.",
	"Kết quả thực hiện chưa đạt mức tối đa theo hướng dẫn chấm điểm.",
	"Văn bản ban hành chậm so với thời hạn quy định.",
	"Số liệu báo cáo chưa khớp với số liệu trên hệ thống thông tin.",
	"Chưa cung cấp tài liệu kiểm chứng cho một phần nội dung.",
}

var explanations = []string{
	"Đơn vị đã bổ sung văn bản triển khai và báo cáo kết quả thực hiện.",
	"Đơn vị giải trình: văn bản ban hành đúng hạn theo ngày ký, chậm do khâu phát hành.",
	"Đơn vị bổ sung số liệu trích xuất từ Hệ thống thông tin giải quyết TTHC của Thành phố.",
	"Đơn vị đề nghị Hội đồng xem xét lại do nhiệm vụ được giao bổ sung cuối năm.",
	"Đơn vị đã gửi bổ sung tài liệu kiểm chứng qua Hệ thống chấm điểm ngày làm việc kế tiếp.",
}

const (
	reasonAccepted = "Chấp nhận giải trình và tài liệu kiểm chứng bổ sung của đơn vị."
	reasonPartly   = "Chấp nhận một phần giải trình; tài liệu bổ sung chỉ chứng minh được một phần kết quả."
	reasonKept     = "Giữ nguyên điểm vòng 1: tài liệu bổ sung chưa chứng minh được kết quả thực hiện."
	reasonCross    = "Chấm chéo theo phân công của Chủ tịch Hội đồng."
	reasonDecision = "Hội đồng biểu quyết thống nhất mức điểm sau khi xem xét tài liệu kiểm chứng, giải trình của đơn vị và ý kiến các thành viên chấm điểm."
)
