package ui

import (
	"encoding/json"
	"os"
	"runtime"

	"fyne.io/fyne/v2"
	"fyne.io/fyne/v2/lang"
)

// fyneVietnamese translates the texts of Fyne's own widgets (file dialogs,
// entry menus, confirm dialogs), which Fyne does not ship in Vietnamese.
var fyneVietnamese = map[string]string{
	"Advanced": "Nâng cao", "Cancel": "Hủy", "Confirm": "Xác nhận", "Copy": "Sao chép",
	"Create Folder": "Tạo thư mục", "Cut": "Cắt", "Enter filename": "Nhập tên tệp", "Error": "Lỗi",
	"Favourites": "Ưa thích", "File": "Tệp", "Folder": "Thư mục", "New Folder": "Thư mục mới",
	"No": "Không", "OK": "Đồng ý", "Open": "Mở", "Paste": "Dán", "Quit": "Thoát", "Redo": "Làm lại",
	"Save": "Lưu", "Select all": "Chọn tất cả", "Show Hidden Files": "Hiện tệp ẩn", "Undo": "Hoàn tác",
	"Yes": "Có", "file.name": "Tên", "file.parent": "Thư mục cha",
	"monday": "Thứ Hai", "tuesday": "Thứ Ba", "wednesday": "Thứ Tư", "thursday": "Thứ Năm",
	"friday": "Thứ Sáu", "saturday": "Thứ Bảy", "sunday": "Chủ Nhật",
	"monday.short": "T2", "tuesday.short": "T3", "wednesday.short": "T4", "thursday.short": "T5",
	"friday.short": "T6", "saturday.short": "T7", "sunday.short": "CN",
}

// applyFyneLang makes Fyne's own widgets speak the user's language. Fyne
// picks its language from the system locale when translations are added;
// on Unix-like systems the app points that locale at the chosen language
// first (elsewhere Fyne's widgets follow the system's language).
func applyFyneLang(l Lang) {
	if runtime.GOOS != "windows" && runtime.GOOS != "darwin" && os.Getenv("LC_ALL") == "" {
		code := "vi_VN.UTF-8"
		if l == English {
			code = "en_GB.UTF-8"
		}
		os.Setenv("LC_MESSAGES", code)
		os.Setenv("LANGUAGE", string(l))
	}
	b, err := json.Marshal(fyneVietnamese)
	if err != nil {
		return
	}
	if err := lang.AddTranslationsForLocale(b, fyne.Locale("vi")); err != nil {
		fyne.LogError("Vietnamese translations of Fyne's widgets", err)
	}
}
