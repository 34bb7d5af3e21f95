# Loads a bakeview SpriteFrames resource in Godot 3 the way a game does (load() of the .tres, whose
# pages Godot imported as textures) and checks it against the sheet's TexturePacker JSON: every
# animation (name, frame count, order, speed, loop) and every frame (its AtlasTexture's page,
# region and margin, and the untrimmed size Godot gives it). Then it rebuilds each frame as an
# AnimatedSprite shows it (the page's imported pixels in the region, placed at the margin's offset
# in a transparent image of the texture's size) for the test to compare with the PNG.
#
#   godot3-server --path PROJECT -s check_sprite_frames.gd
#
# Reads, from the environment: BAKEVIEW_TRES (res:// path of the .tres), BAKEVIEW_JSON (the
# TexturePacker JSON, res://), BAKEVIEW_SPEED (the frames per second the animations must play at),
# BAKEVIEW_OUT (a file path for the report). Writes the report as JSON:
#   {"godot": VERSION, "errors": [every mismatch, as text], "animations": {NAME: [FRAME KEY, ...]},
#    "frames": {FRAME KEY: {"size": [w, h], "rgba": BASE64 (top row first, straight RGBA8)}}}
# and quits with status 0 when it could check (the errors say whether it matched), 1 if not.
extends SceneTree


func _fail(message):
	printerr("check_sprite_frames: ", message)
	quit(1)


func _read_json(path):
	var file = File.new()
	if file.open(path, File.READ) != OK:
		return null
	var parsed = JSON.parse(file.get_as_text())
	file.close()
	return parsed.result if parsed.error == OK else null


func _rect(value):
	return Rect2(value["x"], value["y"], value["w"], value["h"])


func _init():
	var tres = OS.get_environment("BAKEVIEW_TRES")
	var sheet = _read_json(OS.get_environment("BAKEVIEW_JSON"))
	var speed = float(OS.get_environment("BAKEVIEW_SPEED"))
	if sheet == null:
		return _fail("cannot read the sheet's JSON " + OS.get_environment("BAKEVIEW_JSON"))
	var frames = load(tres)
	if not (frames is SpriteFrames):
		return _fail("Godot did not load " + tres + " as a SpriteFrames")
	var errors = []
	var report = {"godot": Engine.get_version_info()["string"], "errors": errors,
			"animations": {}, "frames": {}}
	var page = str(sheet["meta"]["image"])
	var expected = sheet.get("animations", {})
	var names = Array(frames.get_animation_names())
	for name in names:
		var keys = []
		var wanted = expected.get(name, [name])  # a one-frame animation holds the frame of its name
		if frames.get_frame_count(name) != wanted.size():
			errors.append("%s: %d frames, the JSON has %d" % [name, frames.get_frame_count(name), wanted.size()])
		if abs(frames.get_animation_speed(name) - speed) > 1e-4:
			errors.append("%s: speed %f, not %f" % [name, frames.get_animation_speed(name), speed])
		if not frames.get_animation_loop(name):
			errors.append(name + " does not loop")
		for i in range(min(frames.get_frame_count(name), wanted.size())):
			var key = wanted[i]
			var texture = frames.get_frame(name, i)
			var entry = sheet["frames"].get(key)
			keys.append(key)
			if entry == null or not (texture is AtlasTexture):
				errors.append("%s frame %d: no AtlasTexture or no JSON frame %s" % [name, i, key])
				continue
			var region = _rect(entry["frame"])
			var trim = _rect(entry["spriteSourceSize"])
			var source = Vector2(entry["sourceSize"]["w"], entry["sourceSize"]["h"])
			var margin = Rect2(trim.position, source - trim.size) if entry["trimmed"] else Rect2()
			if texture.atlas == null or texture.atlas.resource_path.get_file() != page:
				errors.append("%s: page %s, not %s" % [key, texture.atlas.resource_path if texture.atlas else "none", page])
			if texture.region != region:
				errors.append("%s: region %s, not %s" % [key, texture.region, region])
			if texture.margin != margin:
				errors.append("%s: margin %s, not %s" % [key, texture.margin, margin])
			if texture.get_size() != source:
				errors.append("%s: size %s, not the untrimmed %s" % [key, texture.get_size(), source])
			if report["frames"].has(key) or texture.atlas == null:
				continue
			var atlas = texture.atlas.get_data()
			atlas.convert(Image.FORMAT_RGBA8)
			var image = Image.new()
			image.create(int(texture.get_width()), int(texture.get_height()), false, Image.FORMAT_RGBA8)
			image.blit_rect(atlas, texture.region, texture.margin.position)
			report["frames"][key] = {"size": [image.get_width(), image.get_height()],
					"rgba": Marshalls.raw_to_base64(image.get_data())}
		report["animations"][name] = keys
	for name in expected:
		if not names.has(name):
			errors.append("animation " + name + " is missing")
	var out = File.new()
	if out.open(OS.get_environment("BAKEVIEW_OUT"), File.WRITE) != OK:
		return _fail("cannot write the report")
	out.store_string(JSON.print(report))
	out.close()
	quit(0)
