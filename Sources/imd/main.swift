print("imd")
